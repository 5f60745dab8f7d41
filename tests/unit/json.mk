# SPDX-License-Identifier: GPL-2.0
#
# test_json: the two JSON writers of tools/lib share one escaper
# (ekf_json_escape in ekf_jline.c); every byte, cut output, a full line.

EKF_JSON_TEST	:= $(BUILD)/tests/unit/test_json

$(EKF_JSON_TEST): tests/unit/test_json.c tools/lib/ekf_json.c tools/lib/ekf_jline.c \
		  tools/lib/ekf_json.h tools/lib/ekf_jline.h tests/lib/check.h tests/unit/json.mk
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNFLAGS) $(EKF_LIB_SAN) -D_GNU_SOURCE \
		-o $@ $(filter %.c,$^) $(LDFLAGS)

UNIT_TESTS	+= $(EKF_JSON_TEST)
UNIT_DEPS	+= $(EKF_JSON_TEST)
