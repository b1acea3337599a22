// SPDX-License-Identifier: GPL-2.0
/*
 * Load a kernel and an initramfs with kexec_file_load() and reboot into
 * them: the model's kexec test, run by /init of the module boot.
 *
 *   kexec-reboot KERNEL INITRD CMDLINE
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <linux/reboot.h>

int main(int argc, char **argv)
{
	int kfd, ifd;

	if (argc != 4) {
		fprintf(stderr, "usage: kexec-reboot KERNEL INITRD CMDLINE\n");
		return 2;
	}
	kfd = open(argv[1], O_RDONLY);
	ifd = open(argv[2], O_RDONLY);
	if (kfd < 0 || ifd < 0) {
		perror("kexec-reboot: open");
		return 1;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[3]) + 1,
		    argv[3], 0UL)) {
		perror("kexec-reboot: kexec_file_load");
		return 1;
	}
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	perror("kexec-reboot: reboot");
	return 1;
}
