// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/sev SNP commands, run in the model's module boot once the PSP
 * driver has initialised SNP: what a tool gets for good and bad input.
 * Prints "sev-ioctl: PASS|FAIL <check>" a line, then a summary line.
 *
 *   sev-ioctl series   every check, against the series' documented errors
 *   sev-ioctl common   only what upstream's (6.12) /dev/sev shares with it
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/psp-sev.h>

static int failed, passed;

static void check(int ok, const char *what, const char *detail)
{
	printf("sev-ioctl: %s %s%s%s\n", ok ? "PASS" : "FAIL", what,
	       detail[0] ? ": " : "", detail);
	if (ok)
		passed++;
	else
		failed++;
}

/* Issue @cmd with @data; the ioctl's errno (0 on success) and the fw error. */
static int issue(int fd, unsigned int cmd, uint64_t data, unsigned int *fw)
{
	struct sev_issue_cmd arg = { .cmd = cmd, .data = data, .error = 0xdead };
	int ret = ioctl(fd, SEV_ISSUE_CMD, &arg);

	*fw = arg.error;
	return ret ? errno : 0;
}

static void expect(int fd, const char *what, unsigned int cmd, uint64_t data,
		   int want_errno)
{
	char detail[96];
	unsigned int fw;
	int err = issue(fd, cmd, data, &fw);

	snprintf(detail, sizeof(detail), "errno %d (%s), want %d; fw error %#x",
		 err, strerror(err), want_errno, fw);
	check(err == want_errno, what, detail);
}

int main(int argc, char **argv)
{
	int series = argc > 1 && !strcmp(argv[1], "series");
	struct sev_user_data_snp_status st;
	struct sev_user_data_snp_config cfg;
	char detail[160];
	unsigned int fw;
	int fd, rofd, err;

	fd = open("/dev/sev", O_RDWR);
	rofd = open("/dev/sev", O_RDONLY);
	if (fd < 0 || rofd < 0) {
		printf("sev-ioctl: FAIL open /dev/sev: %s\n", strerror(errno));
		return 1;
	}

	/* The platform as SNP_INIT left it. */
	memset(&st, 0xa5, sizeof(st));
	err = issue(fd, SNP_PLATFORM_STATUS, (uintptr_t)&st, &fw);
	snprintf(detail, sizeof(detail),
		 "errno %d, fw error %#x; API %u.%u build %u state %u rmp %u guests %u",
		 err, fw, st.api_major, st.api_minor, st.build_id, st.state,
		 st.is_rmp_initialized, st.guest_count);
	check(!err && !fw && st.state == 1 && st.is_rmp_initialized &&
	      !st.guest_count && (st.api_major > 1 ||
				  (st.api_major == 1 && st.api_minor >= 51)),
	      "SNP_PLATFORM_STATUS: initialised, API >= 1.51, no guests", detail);

	/* The same, from a read-only descriptor: a status is not a change. */
	err = issue(rofd, SNP_PLATFORM_STATUS, (uintptr_t)&st, &fw);
	snprintf(detail, sizeof(detail), "errno %d, fw error %#x", err, fw);
	check(!err, "SNP_PLATFORM_STATUS on a read-only descriptor", detail);

	expect(fd, "SNP_PLATFORM_STATUS to an unmapped address", SNP_PLATFORM_STATUS,
	       0x10, EFAULT);
	expect(fd, "SNP_PLATFORM_STATUS to a kernel address", SNP_PLATFORM_STATUS,
	       0xffffffff81000000ULL, EFAULT);
	expect(fd, "an unknown command", SEV_MAX, 0, EINVAL);

	if (series) {
		expect(fd, "SNP_PLATFORM_STATUS without a buffer", SNP_PLATFORM_STATUS,
		       0, EINVAL);

		/* SNP_SET_CONFIG: the values in effect, then hostile ones. */
		memset(&cfg, 0, sizeof(cfg));
		cfg.reported_tcb = st.current_tcb_version;
		expect(fd, "SNP_SET_CONFIG with the current TCB", SNP_SET_CONFIG,
		       (uintptr_t)&cfg, 0);
		expect(rofd, "SNP_SET_CONFIG on a read-only descriptor",
		       SNP_SET_CONFIG, (uintptr_t)&cfg, EPERM);
		expect(fd, "SNP_SET_CONFIG without a buffer", SNP_SET_CONFIG, 0,
		       EINVAL);
		expect(fd, "SNP_SET_CONFIG from an unmapped address",
		       SNP_SET_CONFIG, 0x10, EFAULT);
		cfg.rsvd = 1;
		expect(fd, "SNP_SET_CONFIG with a reserved bit", SNP_SET_CONFIG,
		       (uintptr_t)&cfg, EINVAL);
		cfg.rsvd = 0;
		cfg.rsvd1[51] = 1;
		expect(fd, "SNP_SET_CONFIG with a reserved byte", SNP_SET_CONFIG,
		       (uintptr_t)&cfg, EINVAL);
		cfg.rsvd1[51] = 0;

		/* Masking the chip ID shows in the status. */
		cfg.mask_chip_id = 1;
		expect(fd, "SNP_SET_CONFIG masking the chip ID", SNP_SET_CONFIG,
		       (uintptr_t)&cfg, 0);
		err = issue(fd, SNP_PLATFORM_STATUS, (uintptr_t)&st, &fw);
		check(!err && st.mask_chip_id && !st.mask_chip_key,
		      "SNP_PLATFORM_STATUS reports the masked chip ID", "");
		cfg.mask_chip_id = 0;
		expect(fd, "SNP_SET_CONFIG unmasking it", SNP_SET_CONFIG,
		       (uintptr_t)&cfg, 0);

		expect(rofd, "SNP_COMMIT on a read-only descriptor", SNP_COMMIT, 0,
		       EPERM);
		expect(fd, "SNP_COMMIT", SNP_COMMIT, 0, 0);
	}

	printf("sev-ioctl: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
