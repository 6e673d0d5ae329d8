#!/usr/bin/python3
"""Drives postfix-mta-sts-resolver's mta-sts-daemon over its Postfix socketmap protocol
(netstring "NAME KEY" requests, one TCP connection per client) the way Postfix's
smtp_tls_policy_maps lookup does, and prints latency and throughput in the same key=value
form as bench/resolve_cost.cpp, so scripts/bench can put both side by side.

  socketmap_client.py --port N [--host ADDR] [--rounds N] [--parallel N] --mode MODE DOMAIN...

MODE is only the label printed; what the daemon does depends on its cache: the first
query of a domain is cold (TXT lookup and HTTPS fetch), later ones within cache_grace are
answered from its cache without DNS, and with cache_grace 0 every query checks the TXT id.
Each domain is asked `rounds` times, cycling over the domains; `parallel` clients ask at
once (throughput), one client alone gives the latency.
"""
import argparse
import asyncio
import time


def netstring(data: bytes) -> bytes:
    return str(len(data)).encode() + b":" + data + b","


async def read_netstring(reader: asyncio.StreamReader) -> bytes:
    length = await reader.readuntil(b":")
    body = await reader.readexactly(int(length[:-1]) + 1)
    return body[:-1]


async def client(host, port, queue, latencies, answers):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                domain = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            writer.write(netstring(b"postfix " + domain.encode()))
            await writer.drain()
            answer = await read_netstring(reader)
            latencies.append((time.perf_counter() - t0) * 1000)
            answers.append(answer)
    finally:
        writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--parallel", type=int, default=1)
    p.add_argument("--mode", default="run")
    p.add_argument("domains", nargs="+")
    a = p.parse_args()
    queue = asyncio.Queue()
    for _ in range(a.rounds):
        for d in a.domains:
            queue.put_nowait(d)
    latencies, answers = [], []
    t0 = time.perf_counter()
    await asyncio.gather(*(client(a.host, a.port, queue, latencies, answers) for _ in range(a.parallel)))
    seconds = time.perf_counter() - t0
    errors = sum(1 for x in answers if not x.startswith(b"OK "))
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * (len(latencies) - 1) + 0.5))] if latencies else 0
    print(f"mode={a.mode} resolutions={len(latencies)} errors={errors} median_ms={pick(0.5):.3f} "
          f"p90_ms={pick(0.9):.3f} per_s={len(latencies) / seconds if seconds > 0 else 0:.1f}")
    if errors:
        print(f"first answer: {answers[0]!r}")


asyncio.run(main())
