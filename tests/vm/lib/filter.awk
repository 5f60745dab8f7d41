# SPDX-License-Identifier: GPL-2.0
#
# Splits what the VM's /init writes on ttyS1 (see tests/vm/init.sh): the
# command's output goes to stdout (flushed line by line) and to DIR/output.log,
# control lines to DIR/status, the kernel log to DIR/dmesg.log.
#   awk -v token=TOKEN -v dir=DIR -f filter.awk
BEGIN {
	mark = "@@EKF-VM@@" token " "
	in_dmesg = 0
}
{
	sub(/\r$/, "")
	i = index($0, mark)
	if (i == 0) {
		emit($0)
		next
	}
	# Output without a final newline, then the control line.
	if (i > 1)
		emit(substr($0, 1, i - 1))
	ctl = substr($0, i + length(mark))
	if (ctl == "dmesg-begin")
		in_dmesg = 1
	else if (ctl == "dmesg-end")
		in_dmesg = 0
	else {
		print ctl > (dir "/status")
		fflush(dir "/status")
	}
}
function emit(line) {
	if (in_dmesg) {
		print line > (dir "/dmesg.log")
		return
	}
	print line
	fflush()
	print line > (dir "/output.log")
}
