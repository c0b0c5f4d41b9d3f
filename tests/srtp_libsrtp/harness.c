/*
 * Test-only libsrtp harness for roomd's SRTP differential test and benchmark.
 * Reads commands on stdin, one per line, and answers one line each:
 *   version                       -> "ok <libsrtp version string>"
 *   key <SUITE> <hex key||salt>   -> "ok" | "err <status>"   (fresh sender and receiver sessions)
 *   protect|unprotect|protect_rtcp|unprotect_rtcp <hex packet>
 *                                 -> "ok <hex packet>" | "err <status>"
 *   bench <SUITE> <payload> <n>   -> "ok protect_ns=<x> unprotect_ns=<y>"
 * Sender sessions use ssrc_any_outbound, receivers ssrc_any_inbound, window 128.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PACKET 4096

static srtp_t tx, rx;

static int set_policy(srtp_policy_t *p, const char *suite) {
    memset(p, 0, sizeof *p);
    if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
    } else if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
    } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
    } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p->rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
    } else if (!strcmp(suite, "AEAD_AES_128_GCM")) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
    } else if (!strcmp(suite, "AEAD_AES_256_GCM")) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
    } else {
        return -1;
    }
    p->window_size = 128;
    p->allow_repeat_tx = 0;
    return 0;
}

static int create(srtp_t *s, const char *suite, unsigned char *key, int inbound) {
    srtp_policy_t p;
    if (set_policy(&p, suite)) return -1;
    p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    p.key = key;
    return srtp_create(s, &p);
}

static int unhex(const char *h, unsigned char *out, int max) {
    int n = 0;
    while (h[0] && h[1] && h[0] != '\n') {
        if (n >= max) return -1;
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1) return -1;
        out[n++] = (unsigned char)v;
        h += 2;
    }
    return n;
}

static void print_hex(const unsigned char *b, int n) {
    for (int i = 0; i < n; i++) printf("%02x", b[i]);
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void make_rtp(unsigned char *b, int payload, unsigned seq) {
    b[0] = 0x80; b[1] = 0x60; b[2] = seq >> 8; b[3] = seq;
    unsigned ts = seq * 160;
    b[4] = ts >> 24; b[5] = ts >> 16; b[6] = ts >> 8; b[7] = ts;
    b[8] = 0xde; b[9] = 0xad; b[10] = 0xbe; b[11] = 0xef;
    for (int i = 0; i < payload; i++) b[12 + i] = (unsigned char)i;
}

static void bench(const char *suite, int payload, int n) {
    unsigned char key[46];
    for (int i = 0; i < 46; i++) key[i] = (unsigned char)(i * 7 + 3);
    srtp_t btx, btx2, brx;
    if (create(&btx, suite, key, 0) || create(&btx2, suite, key, 0) || create(&brx, suite, key, 1)) {
        printf("err create\n");
        return;
    }
    static unsigned char buf[MAX_PACKET];
    enum { CHUNK = 4096 };
    static unsigned char wire[CHUNK][MAX_PACKET];
    static int wire_len[CHUNK];
    int len;
    /* Warm up, then time protect: copy the plaintext in and protect it, per packet. */
    unsigned seq = 0;
    for (int i = 0; i < 20000; i++) {
        make_rtp(buf, payload, seq++); len = 12 + payload; srtp_protect(btx, buf, &len);
    }
    unsigned char tmpl[MAX_PACKET];
    make_rtp(tmpl, payload, 0);
    double t0 = now_ns();
    for (int i = 0; i < n; i++) {
        memcpy(buf, tmpl, 12 + payload);
        buf[2] = seq >> 8; buf[3] = seq; seq++;
        len = 12 + payload;
        if (srtp_protect(btx, buf, &len)) { printf("err protect\n"); return; }
    }
    double protect = (now_ns() - t0) / n;
    /* Unprotect packets made by a second sender, in chunks generated outside the timing. */
    double total = 0;
    int done = 0;
    seq = 0;
    while (done < n) {
        int c = n - done < CHUNK ? n - done : CHUNK;
        for (int i = 0; i < c; i++) {
            make_rtp(wire[i], payload, seq++);
            wire_len[i] = 12 + payload;
            srtp_protect(btx2, wire[i], &wire_len[i]);
        }
        double t1 = now_ns();
        for (int i = 0; i < c; i++) {
            memcpy(buf, wire[i], wire_len[i]);
            len = wire_len[i];
            if (srtp_unprotect(brx, buf, &len)) { printf("err unprotect\n"); return; }
        }
        total += now_ns() - t1;
        done += c;
    }
    printf("ok protect_ns=%.1f unprotect_ns=%.1f\n", protect, total / n);
    srtp_dealloc(btx); srtp_dealloc(btx2); srtp_dealloc(brx);
}

int main(void) {
    static char line[2 * MAX_PACKET + 256];
    static unsigned char pkt[MAX_PACKET + SRTP_MAX_TRAILER_LEN];
    if (srtp_init()) { printf("err init\n"); return 1; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        char cmd[32], a[64];
        int off = 0;
        if (sscanf(line, "%31s %n", cmd, &off) < 1) continue;
        const char *rest = line + off;
        if (!strcmp(cmd, "version")) {
            printf("ok %s\n", srtp_get_version_string());
        } else if (!strcmp(cmd, "key")) {
            static unsigned char key[64];
            int off2 = 0;
            if (sscanf(rest, "%63s %n", a, &off2) < 1 || unhex(rest + off2, key, sizeof key) < 0) {
                printf("err args\n");
                continue;
            }
            if (tx) srtp_dealloc(tx);
            if (rx) srtp_dealloc(rx);
            tx = rx = NULL;
            int s = create(&tx, a, key, 0);
            if (!s) s = create(&rx, a, key, 1);
            if (s) printf("err %d\n", s); else printf("ok\n");
        } else if (!strcmp(cmd, "bench")) {
            int payload = 0, n = 0;
            if (sscanf(rest, "%63s %d %d", a, &payload, &n) != 3 || payload < 0 || payload > 2000 || n <= 0) {
                printf("err args\n");
                continue;
            }
            bench(a, payload, n);
        } else {
            int len = unhex(rest, pkt, MAX_PACKET);
            if (len < 0 || !tx) { printf("err input\n"); continue; }
            srtp_err_status_t s;
            if (!strcmp(cmd, "protect")) s = srtp_protect(tx, pkt, &len);
            else if (!strcmp(cmd, "unprotect")) s = srtp_unprotect(rx, pkt, &len);
            else if (!strcmp(cmd, "protect_rtcp")) s = srtp_protect_rtcp(tx, pkt, &len);
            else if (!strcmp(cmd, "unprotect_rtcp")) s = srtp_unprotect_rtcp(rx, pkt, &len);
            else { printf("err command\n"); continue; }
            if (s) { printf("err %d\n", s); continue; }
            printf("ok ");
            print_hex(pkt, len);
            printf("\n");
        }
    }
    return 0;
}
