# SPDX-License-Identifier: GPL-2.0
# For gdb attached to the SNP platform model (scripts/qemu-model-boot.sh,
# when a boot's console goes silent): each vCPU's run state, RIP, RFLAGS,
# hflags and hflags2 (bit 0: GIF), and its last GIF changes, newest first
# (target/i386's svm_gif_events: CLGI, STGI, VMRUN with the SEV-ES state,
# #VMEXIT with its exit code).
#   gdb -p PID -batch -x scripts/gdb-model-cpus.py
import gdb

WHAT = {1: "CLGI", 2: "STGI", 3: "VMRUN", 4: "#VMEXIT"}
MASK = 2**64 - 1

cpu = gdb.parse_and_eval("cpus.tqh_first")
x86 = gdb.lookup_type("X86CPU").pointer()
while int(cpu) != 0:
    env = cpu.cast(x86)["env"]
    print("vCPU %d: halted %d interrupt_request %#x rip %#x rflags %#x "
          "hflags %#x hflags2 %#x" % (
              int(cpu["cpu_index"]), int(cpu["halted"]),
              int(cpu["interrupt_request"]), int(env["eip"]) & MASK,
              int(env["eflags"]), int(env["hflags"]), int(env["hflags2"])))
    ring = env["svm_gif_events"]
    size = ring.type.range()[1] + 1
    nxt = int(env["svm_gif_event_next"])
    for age in range(1, min(nxt, size) + 1):
        e = ring[(nxt - age) % size]
        print("vCPU %d:   GIF event -%d: %s %#x at rip %#x" % (
            int(cpu["cpu_index"]), age, WHAT.get(int(e["what"]), "?"),
            int(e["code"]), int(e["rip"]) & MASK))
    cpu = cpu["node"]["tqe_next"]
