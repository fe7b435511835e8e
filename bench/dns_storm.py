#!/usr/bin/env python3
"""A lookup storm through one proxy: GET http://NAME:PORT/ for `--names` distinct
names, `--hung-every`-th of them under a domain no name server answers, at most
`--concurrency` at a time, one connection per request. Prints one JSON line:
answered requests per second, how long answered names waited (p50/p99/max, ms),
and what the hung ones got. Every request is bounded by --timeout; the whole run
by --limit seconds."""
import argparse
import asyncio
import json
import time


async def fetch(proxy_port, host, origin_port, timeout):
    start = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", proxy_port), timeout)
        url = f"http://{host}:{origin_port}/"
        writer.write(f"GET {url} HTTP/1.1\r\nHost: {host}:{origin_port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        status = int(status_line.split()[1]) if status_line else 0
    except (asyncio.TimeoutError, OSError, ValueError, IndexError):
        status = 0
    return status, time.monotonic() - start


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


async def storm(args):
    gate = asyncio.Semaphore(args.concurrency)
    answered, hung = [], []

    async def one(i):
        is_hung = args.hung_every and i % args.hung_every == 0
        host = f"h{i}.{args.hung_domain}" if is_hung else f"n{i}.{args.domain}"
        async with gate:
            status, seconds = await fetch(args.proxy_port, host, args.origin_port, args.timeout)
        (hung if is_hung else answered).append((status, seconds, time.monotonic() - start))

    start = time.monotonic()
    tasks = [asyncio.create_task(one(i)) for i in range(args.names)]
    done, pending = await asyncio.wait(tasks, timeout=args.limit)
    for task in pending:
        task.cancel()
    elapsed = time.monotonic() - start
    ok = [s for status, s, _ in answered if status == 200]
    # The answered names' own pace: until the last of them finished (the run
    # itself lasts until the unanswered ones give up).
    answered_span = max((end for status, _, end in answered if status == 200), default=elapsed)
    return {
        "answered_requests": len(answered), "answered_ok": len(ok),
        "answered_per_second": round(len(ok) / answered_span, 1), "seconds": round(elapsed, 2),
        "wait_p50_ms": round(1000 * percentile(ok, 50), 1), "wait_p99_ms": round(1000 * percentile(ok, 99), 1),
        "wait_max_ms": round(1000 * max(ok, default=0), 1),
        "hung_requests": len(hung), "hung_statuses": sorted({status for status, _, _ in hung}),
        "unfinished": len(pending),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proxy-port", type=int, required=True)
    parser.add_argument("--origin-port", type=int, required=True)
    parser.add_argument("--names", type=int, default=10000)
    parser.add_argument("--hung-every", type=int, default=50)
    parser.add_argument("--domain", default="storm.test")
    parser.add_argument("--hung-domain", default="hang.test")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--limit", type=float, default=240)
    print(json.dumps(asyncio.run(storm(parser.parse_args()))))


if __name__ == "__main__":
    main()
