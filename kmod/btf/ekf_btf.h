/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ekf-btf: kernel BTF extraction, BTF probes and a .BTF_ids resolver for
 * kernel modules.  Shared declarations.
 *
 * Conventions: functions return 0 or a negative errno.  A function that
 * knows more than the errno says records it with ekf_fail(); the command
 * (the edge) prints ekf_why() next to the file name.
 */
#ifndef EKF_BTF_H
#define EKF_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gelf.h>

struct btf;

#define EKF_PROG		"ekf-btf"

/* msg.c */
extern int ekf_verbose;

int ekf_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *ekf_why(int err);
void ekf_clear_why(void);
void ekf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ekf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ekf_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ekf_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ekf_libbpf_setup(void);

/* file.c */
struct ekf_map {
	const unsigned char *data;
	size_t size;
};

int ekf_map_file(const char *path, struct ekf_map *map);
void ekf_unmap_file(struct ekf_map *map);
int ekf_write_atomic(const char *path, const void *data, size_t size);

/* decompress.c: a growing output buffer with a hard size limit */
struct ekf_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

#define EKF_BUF_MAX	((size_t)2 << 30)	/* 2 GiB: no kernel is that big */

int ekf_buf_reserve(struct ekf_buf *buf, size_t more);
void ekf_buf_free(struct ekf_buf *buf);

/* decompress.c */
struct ekf_format {
	const char *name;
	const unsigned char *magic;
	size_t magic_len;
	int (*decompress)(const unsigned char *in, size_t in_len,
			  struct ekf_buf *out);
};

extern const struct ekf_format ekf_formats[];
extern const size_t ekf_nr_formats;
const struct ekf_format *ekf_format_at(const unsigned char *p, size_t len);

/* elf.c */
struct ekf_elf {
	int fd;
	Elf *elf;
	size_t shstrndx;
};

int ekf_elf_open(const char *path, bool rdwr, struct ekf_elf *e);
void ekf_elf_close(struct ekf_elf *e);
Elf_Scn *ekf_elf_find(Elf *elf, size_t shstrndx, const char *name,
		      GElf_Shdr *sh);
Elf_Scn *ekf_elf_symtab(Elf *elf, GElf_Shdr *sh);
int ekf_elf_btf_in_memory(const unsigned char *buf, size_t len,
			  const void **btf, size_t *btf_len);

/* btf.c */
const char *ekf_strerror(int err);
int ekf_btf_load(const char *path, struct btf *base, struct btf **btf);
int ekf_btf_from_data(const void *data, size_t size, struct btf *base,
		      struct btf **btf);
int ekf_has_func(const char *path, const char *name);

/* btfids.c: the symbols of a .BTF_ids section */
enum ekf_id_kind {
	EKF_ID_STRUCT,
	EKF_ID_UNION,
	EKF_ID_TYPEDEF,
	EKF_ID_FUNC,
	EKF_ID_SET,
	EKF_ID_SET8,
	EKF_ID_NR_KINDS,
};

struct ekf_id_sym {
	enum ekf_id_kind kind;
	char *name;		/* type or set name, owned */
	const char *sym;	/* the ELF symbol's name */
	GElf_Addr addr;		/* st_value */
	GElf_Xword size;	/* st_size */
};

struct ekf_ids {
	struct ekf_id_sym *syms;
	size_t nr;
};

const char *ekf_id_kind_name(enum ekf_id_kind kind);
int ekf_ids_collect(Elf *elf, Elf_Scn *symtab, size_t idlist_shndx,
		    struct ekf_ids *ids);
void ekf_ids_free(struct ekf_ids *ids);
long ekf_set_count(const struct ekf_id_sym *sym);

/* sort.c */
int ekf_cmp_id(const void *a, const void *b);
int ekf_msort(void *base, size_t nmemb, size_t size,
	      int (*cmp)(const void *, const void *));

/* the commands */
int ekf_extract(const char *image, const char *out);
int ekf_resolve(const char *path, const char *base_path);
int ekf_verify(const char *path, bool btf_only, bool quiet);

#endif /* EKF_BTF_H */
