// SPDX-License-Identifier: GPL-2.0
/*
 * The L2 oracle's attestation check (scripts/oracle-l2.sh, mode snp): ask
 * the SNP guest driver (/dev/sev-guest, 6.1's uAPI <linux/sev-guest.h>)
 * for an attestation report and print what a test compares with the
 * model: the launch digest (MEASUREMENT), the policy, the VMPL and the
 * report data echoed back, then the whole report in hex ("raw OFFSET"
 * lines) for the host to verify its signature; and that derived keys
 * (SNP_GET_DERIVED_KEY) are stable and bound to what they select. Every
 * line starts with "snp-report: ".
 *
 * The response layout is the SEV-SNP firmware ABI's (AMD 56860):
 * MSG_REPORT_RSP (status, report size, then the report at 0x20) and
 * ATTESTATION_REPORT (version 0x00, guest SVN 0x04, policy 0x08, VMPL
 * 0x30, signature algorithm 0x34, REPORT_DATA 0x50, MEASUREMENT 0x90,
 * 48 bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sev-guest.h>

#define RSP_STATUS	0x00
#define RSP_SIZE	0x04
#define RSP_REPORT	0x20
#define REP_VERSION	0x00
#define REP_GUEST_SVN	0x04
#define REP_POLICY	0x08
#define REP_VMPL	0x30
#define REP_SIG_ALGO	0x34
#define REP_DATA	0x50
#define REP_DATA_LEN	64
#define REP_MEASUREMENT	0x90
#define REP_MEASUREMENT_LEN 48
/* The report is 0x4a0 bytes in the ABI versions this program knows. */
#define REP_MIN_SIZE	0x2a0

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void hex(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	printf("snp-report: %s ", what);
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

/*
 * A key derived by the firmware (SNP_GET_DERIVED_KEY, MSG_KEY_REQ) from
 * the VCEK, VMPL 0 and the fields @fields names; 0, or -1 after printing
 * why not.  MSG_KEY_RSP: status at 0x00, the key at 0x20.
 */
static int derived_key(int fd, uint64_t fields, uint8_t *key)
{
	struct snp_derived_key_req req;
	struct snp_derived_key_resp resp;
	struct snp_guest_request_ioctl ioc;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	memset(&ioc, 0, sizeof(ioc));
	req.guest_field_select = fields;
	ioc.msg_version = 1;
	ioc.req_data = (uintptr_t)&req;
	ioc.resp_data = (uintptr_t)&resp;
	if (ioctl(fd, SNP_GET_DERIVED_KEY, &ioc) < 0) {
		printf("snp-report: FAIL SNP_GET_DERIVED_KEY: %s (firmware error 0x%x, VMM error 0x%x)\n",
		       strerror(errno), ioc.fw_error, ioc.vmm_error);
		return -1;
	}
	if (get32(resp.data)) {
		printf("snp-report: FAIL MSG_KEY_RSP status 0x%x\n", get32(resp.data));
		return -1;
	}
	memcpy(key, resp.data + 0x20, 32);
	return 0;
}

/*
 * Derived keys: the same fields give the same key, binding the
 * measurement (GUEST_FIELD_SELECT bit 3) gives another, and none is zero.
 */
static int check_derived_keys(int fd)
{
	static const uint8_t zero[32];
	uint8_t k0[32], k1[32], k2[32];

	if (derived_key(fd, 0, k0) || derived_key(fd, 1 << 3, k1) ||
	    derived_key(fd, 1 << 3, k2))
		return 1;
	if (memcmp(k1, k2, 32) || !memcmp(k0, k1, 32) || !memcmp(k0, zero, 32) ||
	    !memcmp(k1, zero, 32)) {
		hex("FAIL derived keys (none, measurement, measurement):", k0, 32);
		hex("FAIL", k1, 32);
		hex("FAIL", k2, 32);
		return 1;
	}
	printf("snp-report: derived keys: stable, bound to the measurement\n");
	return 0;
}

int main(void)
{
	struct snp_report_req req;
	struct snp_report_resp resp;
	struct snp_guest_request_ioctl ioc;
	const uint8_t *rep;
	uint32_t status, size;
	int fd, i;

	fd = open("/dev/sev-guest", O_RDWR);
	if (fd < 0) {
		printf("snp-report: FAIL open /dev/sev-guest: %s\n", strerror(errno));
		return 1;
	}
	memset(&req, 0, sizeof(req));
	/* Report data the firmware must echo: 0x00, 0x01, ... 0x3f. */
	for (i = 0; i < REP_DATA_LEN; i++)
		req.user_data[i] = i;
	req.vmpl = 0;
	memset(&resp, 0, sizeof(resp));
	memset(&ioc, 0, sizeof(ioc));
	ioc.msg_version = 1;
	ioc.req_data = (uintptr_t)&req;
	ioc.resp_data = (uintptr_t)&resp;
	if (ioctl(fd, SNP_GET_REPORT, &ioc) < 0) {
		printf("snp-report: FAIL SNP_GET_REPORT: %s (firmware error 0x%x, VMM error 0x%x)\n",
		       strerror(errno), ioc.fw_error, ioc.vmm_error);
		close(fd);
		return 1;
	}
	if (check_derived_keys(fd)) {
		close(fd);
		return 1;
	}
	close(fd);

	status = get32(resp.data + RSP_STATUS);
	size = get32(resp.data + RSP_SIZE);
	if (status != 0 || size < REP_MIN_SIZE || size > sizeof(resp.data) - RSP_REPORT) {
		printf("snp-report: FAIL MSG_REPORT_RSP status 0x%x, report size 0x%x\n",
		       status, size);
		return 1;
	}
	rep = resp.data + RSP_REPORT;
	printf("snp-report: version %u, guest SVN %u, policy 0x%llx, VMPL %u, signature algorithm %u, size 0x%x\n",
	       get32(rep + REP_VERSION), get32(rep + REP_GUEST_SVN),
	       (unsigned long long)get64(rep + REP_POLICY), get32(rep + REP_VMPL),
	       get32(rep + REP_SIG_ALGO), size);
	for (i = 0; i < REP_DATA_LEN; i++) {
		if (rep[REP_DATA + i] != i) {
			hex("FAIL report data not echoed:", rep + REP_DATA, REP_DATA_LEN);
			return 1;
		}
	}
	printf("snp-report: report data echoed\n");
	hex("measurement", rep + REP_MEASUREMENT, REP_MEASUREMENT_LEN);
	/* The whole report, for the host to check its signature. */
	for (i = 0; i < (int)size; i += 32) {
		char what[16];

		snprintf(what, sizeof(what), "raw %03x", i);
		hex(what, rep + i, size - i < 32 ? size - i : 32);
	}
	return 0;
}
