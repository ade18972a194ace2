/*
 * Arena allocation: memory handed out from large blocks and released all at
 * once. Parses, schemas and op lists live in one; nothing in an arena is freed
 * on its own. Blocks double from 64 KiB to 4 MiB; the big ones are mapped on
 * huge-page boundaries and offered to the kernel as huge pages, because
 * reading a large project otherwise spends a third of its time faulting in
 * 4 KiB pages.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include "athanor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BLOCK_SIZE (64 * 1024)
#define MAX_BLOCK_SIZE (4 * 1024 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)
#define ALIGNMENT _Alignof(max_align_t)

typedef struct block {
    struct block *next;
    size_t size;
    size_t used;
    size_t mapped; /* bytes mapped with mmap; 0 when the block came from calloc */
    max_align_t data[];
} block;

struct ath_arena {
    block *head;
    size_t handed_out;
    size_t next_size; /* data size of the next regular block */
};

ath_arena *ath_arena_new(void)
{
    return calloc(1, sizeof(ath_arena));
}

void ath_arena_free(ath_arena *arena)
{
    if (!arena)
        return;
    block *b = arena->head;
    while (b) {
        block *next = b->next;
        if (b->mapped)
            munmap(b, b->mapped);
        else
            free(b);
        b = next;
    }
    free(arena);
}

#ifdef MADV_HUGEPAGE
/* A zeroed block of `total` bytes (a multiple of HUGE_PAGE) starting on a
 * huge-page boundary, or NULL. Mapping one huge page more and trimming the
 * ends gives the alignment; the kernel backs the block with huge pages when it
 * can and with normal ones otherwise. */
static block *map_huge(size_t total)
{
    size_t len = total + HUGE_PAGE;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (head)
        munmap(p, head);
    if (len - head > total)
        munmap(p + head + total, len - head - total);
    block *b = (block *)(p + head);
    madvise(b, total, MADV_HUGEPAGE);
    b->mapped = total;
    return b;
}
#endif

static block *new_block(size_t size)
{
    if (size > SIZE_MAX - sizeof(block) - HUGE_PAGE)
        return NULL;
    block *b = NULL;
#ifdef MADV_HUGEPAGE
    if (sizeof(block) + size >= HUGE_PAGE) {
        size_t total = (sizeof(block) + size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        b = map_huge(total);
        if (b)
            size = total - sizeof(block);
    }
#endif
    /* calloc: memory handed out is zero, and an arena never reuses memory,
     * so nothing is cleared again. */
    if (!b)
        b = calloc(1, sizeof(block) + size);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *ath_arena_alloc(ath_arena *arena, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ALIGNMENT)
        return NULL;
    size_t rounded = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
    block *b = arena->head;
    if (!b || b->size - b->used < rounded) {
        /* Large requests get a block of their own behind the current one, so
         * the current block's free space is not wasted. */
        if (rounded > BLOCK_SIZE / 4 && b) {
            block *big = new_block(rounded);
            if (!big)
                return NULL;
            big->used = rounded;
            big->next = b->next;
            b->next = big;
            arena->handed_out += rounded;
            return big->data;
        }
        size_t want = arena->next_size ? arena->next_size : BLOCK_SIZE;
        b = new_block(rounded > want ? rounded : want);
        if (!b)
            return NULL;
        if (want < MAX_BLOCK_SIZE)
            arena->next_size = want * 2;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += rounded;
    arena->handed_out += rounded;
    return p;
}

char *ath_arena_strndup(ath_arena *arena, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = ath_arena_alloc(arena, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ath_arena_strdup(ath_arena *arena, const char *s)
{
    return s ? ath_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *ath_arena_printf(ath_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = ath_arena_alloc(arena, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t ath_arena_used(const ath_arena *arena)
{
    return arena->handed_out;
}

void ath_arena_adopt(ath_arena *arena, ath_arena *other)
{
    if (!other)
        return;
    block *tail = other->head;
    while (tail && tail->next)
        tail = tail->next;
    if (tail) {
        /* Behind the current block, which keeps serving `arena`'s allocations. */
        if (arena->head) {
            tail->next = arena->head->next;
            arena->head->next = other->head;
        } else {
            arena->head = other->head;
        }
    }
    arena->handed_out += other->handed_out;
    free(other);
}

void *ath_array_push(ath_arena *arena, void **items, size_t *count, size_t *cap,
                     size_t elem_size)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        if (ncap > SIZE_MAX / elem_size)
            return NULL;
        void *grown = ath_arena_alloc(arena, ncap * elem_size);
        if (!grown)
            return NULL;
        if (*count)
            memcpy(grown, *items, *count * elem_size);
        *items = grown;
        *cap = ncap;
    }
    void *slot = (char *)*items + *count * elem_size;
    memset(slot, 0, elem_size);
    (*count)++;
    return slot;
}
