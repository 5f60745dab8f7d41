/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test fixture macros: lay out a .BTF_ids section the way the kernel's
 * btf_ids.h does, with the symbol names resolve_btfids and ekf-btf read:
 *
 *   __BTF_ID__<kind>__<name>__<n>	a 4-byte slot for a BTF id
 *   __BTF_ID__set__<name>		u32 count, then 4-byte ids
 *   __BTF_ID__set8__<name>		u32 count, u32 flags, then
 *					{ u32 id, u32 flags } pairs
 *
 * A set's symbol size spans its header and entries; the resolver writes
 * the count from it.  Everything starts as zeros except the flags.
 */
#ifndef EKF_TEST_BTF_IDS_H
#define EKF_TEST_BTF_IDS_H

#define EKF_T_ASM(body)							\
	asm("\t.pushsection .BTF_ids,\"a\"\n" body "\t.popsection\n")

/* The slot symbol; n makes each use of a name unique. */
#define EKF_T_SYM(kind, name, n)	"__BTF_ID__" #kind "__" #name "__" #n
#define EKF_T_SLOT(kind, name, n, extra)				\
	EKF_T_ASM("\t.local " EKF_T_SYM(kind, name, n) "\n"		\
		  "\t.type " EKF_T_SYM(kind, name, n) ", @object\n"	\
		  "\t.size " EKF_T_SYM(kind, name, n) ", 4\n"		\
		  EKF_T_SYM(kind, name, n) ":\n"			\
		  "\t.long 0\n"						\
		  extra)
#define EKF_T_SLOT_N(kind, name, n, extra)	EKF_T_SLOT(kind, name, n, extra)

/* A slot for the id of KIND (struct, union, typedef, func) NAME. */
#define EKF_T_ID(kind, name)						\
	EKF_T_SLOT_N(kind, name, __COUNTER__, "")
/* The same in a set8: the id slot, then its flags word. */
#define EKF_T_ID_FLAGS(kind, name, flags)				\
	EKF_T_SLOT_N(kind, name, __COUNTER__, "\t.long " #flags "\n")
/* A slot no symbol names: stays as it is. */
#define EKF_T_UNUSED()	EKF_T_ASM("\t.long 0\n")

/* A plain list of ids starts at label NAME. */
#define EKF_T_LIST(name)						\
	EKF_T_ASM("\t.local " #name "\n" #name ":\n")

#define EKF_T_SET_BEGIN(name)						\
	EKF_T_ASM("\t.local __BTF_ID__set__" #name "\n"			\
		  "\t.type __BTF_ID__set__" #name ", @object\n"		\
		  "__BTF_ID__set__" #name ":\n"				\
		  "\t.long 0\n")
#define EKF_T_SET_END(name)						\
	EKF_T_ASM("\t.size __BTF_ID__set__" #name ", . - __BTF_ID__set__" #name "\n")

#define EKF_T_SET8_BEGIN(name, flags)					\
	EKF_T_ASM("\t.local __BTF_ID__set8__" #name "\n"		\
		  "\t.type __BTF_ID__set8__" #name ", @object\n"	\
		  "__BTF_ID__set8__" #name ":\n"			\
		  "\t.long 0\n"						\
		  "\t.long " #flags "\n")
#define EKF_T_SET8_END(name)						\
	EKF_T_ASM("\t.size __BTF_ID__set8__" #name ", . - __BTF_ID__set8__" #name "\n")

#endif /* EKF_TEST_BTF_IDS_H */
