#!/usr/bin/python3
"""Each training method of Vpf.Hybrid against a straightforward PyTorch-CPU implementation, in one run.

Same data (the first N Fashion-MNIST training images, binarised at 0.5), same shapes (RBM 784-500, DBM 784-500-1000),
batch 100, the same number of threads, one epoch each after a short warm-up. The .NET side is
`Vpf.Bench compare` (bench/Vpf.Bench/ReferenceComparison.cs), run by this script; the printed ratio is
PyTorch time / .NET time, so above 1 means the .NET implementation is faster.

Run (Debian's python3-torch, hence /usr/bin/python3 rather than a pyenv python on PATH):

    dotnet build -c Release bench/Vpf.Bench && dotnet build -c Release src/Vpf.Cli
    /usr/bin/python3 bench/compare_reference.py --images 10000 --threads 2

Methods (the PyTorch versions follow the same algorithm, written the obvious way):
  mpf-rbm          MPF with the hidden units summed out; K over all single-pixel flips, gradient by autograd
  vpf-rbm-1-sweep  (.NET only) VPF on the same RBM with one mean-field sweep, for the MPF-RBM/VPF cost ratio
  cd-1             contrastive divergence, one Gibbs step
  dbm-pcd          Salakhutdinov & Hinton: 10 mean-field sweeps, 5 Gibbs sweeps of 100 persistent chains
  dbm-pcd-lateral  the same with lateral weights in hidden layer 1 (damped mean-field, unit-by-unit Gibbs)
  vpf              VPF epoch: 10 mean-field sweeps, Sampled estimator, flow gradient by autograd
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 100


def load_images(folder, count):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 784)[:count]
    return torch.from_numpy((pixels >= 128).astype(np.float32))


def init(sizes, gen, lateral=()):
    weights = [(0.01 * torch.randn(a, b, generator=gen)).requires_grad_() for a, b in zip(sizes, sizes[1:])]
    biases = [torch.zeros(n, requires_grad=True) for n in sizes]
    laterals = {}
    for layer in lateral:
        n = sizes[layer]
        m = 0.01 * torch.randn(n, n, generator=gen)
        m = torch.triu(m, 1)
        laterals[layer] = (m + m.t()).requires_grad_()
    return weights, biases, laterals


def sgd(params, lr=1e-3):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad
                p.grad = None


def mpf_rbm_batch(v, w, b, c):
    z = v @ w + c                                   # B × nh
    s = 1 - 2 * v                                   # B × nv
    flipped = torch.nn.functional.softplus(z[:, None, :] + s[:, :, None] * w[None, :, :])
    exponent = 0.5 * (s * b + (flipped - torch.nn.functional.softplus(z)[:, None, :]).sum(-1))
    k = torch.exp(exponent.clamp(-30, 30)).sum() / v.shape[0]
    k.backward()
    sgd([w, b, c])


def cd1_batch(v, w, b, c, gen):
    with torch.no_grad():
        ph = torch.sigmoid(v @ w + c)
        h = torch.bernoulli(ph, generator=gen)
        pv = torch.sigmoid(h @ w.t() + b)
        vn = torch.bernoulli(pv, generator=gen)
        phn = torch.sigmoid(vn @ w + c)
        n = v.shape[0]
        w += 1e-3 * (v.t() @ ph - vn.t() @ phn) / n
        b += 1e-3 * (v - vn).mean(0)
        c += 1e-3 * (ph - phn).mean(0)


def mean_field(v, weights, biases, laterals, sweeps, damping=0.5):
    # Bottom-up start (input doubled below the top layer), then full sweeps.
    mu = [v]
    for l, w in enumerate(weights):
        scale = 2 if l + 1 < len(weights) else 1
        mu.append(torch.sigmoid(scale * (mu[l] @ w) + biases[l + 1]))
    for _ in range(sweeps):
        for l in range(1, len(mu)):
            u = mu[l - 1] @ weights[l - 1] + biases[l]
            if l + 1 < len(mu):
                u = u + mu[l + 1] @ weights[l].t()
            if l in laterals:
                u = u + mu[l] @ laterals[l]
                mu[l] = damping * mu[l] + (1 - damping) * torch.sigmoid(u)
            else:
                mu[l] = torch.sigmoid(u)
    return mu


def gibbs_layer(x, l, weights, biases, laterals, gen):
    u = biases[l].expand(x[l].shape[0], -1).clone()
    if l > 0:
        u += x[l - 1] @ weights[l - 1]
    if l + 1 < len(x):
        u += x[l + 1] @ weights[l].t()
    if l not in laterals:
        x[l] = torch.bernoulli(torch.sigmoid(u), generator=gen)
        return
    lat = laterals[l]
    state = x[l]
    for k in range(state.shape[1]):
        p = torch.sigmoid(u[:, k] + state @ lat[:, k])
        state[:, k] = torch.bernoulli(p, generator=gen)


def dbm_pcd_batch(v, weights, biases, laterals, chains, gen):
    with torch.no_grad():
        mu = mean_field(v, weights, biases, laterals, sweeps=10)
        for _ in range(5):
            for l in range(1, len(chains), 2):
                gibbs_layer(chains, l, weights, biases, laterals, gen)
            for l in range(0, len(chains), 2):
                gibbs_layer(chains, l, weights, biases, laterals, gen)
        n, m = v.shape[0], chains[0].shape[0]
        for l, w in enumerate(weights):
            w += 1e-3 * (mu[l].t() @ mu[l + 1] / n - chains[l].t() @ chains[l + 1] / m)
        for l, b in enumerate(biases):
            b += 1e-3 * (mu[l].mean(0) - chains[l].mean(0))
        for l, lat in laterals.items():
            g = mu[l].t() @ mu[l] / n - chains[l].t() @ chains[l] / m
            g.fill_diagonal_(0)
            lat += 1e-3 * g


def vpf_batch(v, weights, biases, gen):
    with torch.no_grad():
        mu = mean_field(v, weights, biases, {}, sweeps=10)
        x = [v] + [torch.bernoulli(m, generator=gen) for m in mu[1:]]
    k = 0
    for l in range(len(x)):
        u = biases[l] + (x[l - 1] @ weights[l - 1] if l > 0 else 0) + (x[l + 1] @ weights[l].t() if l + 1 < len(x) else 0)
        k = k + torch.exp((0.5 * (1 - 2 * x[l]) * u).clamp(-30, 30)).sum()
    (k / v.shape[0]).backward()
    sgd(weights + biases)


def torch_epoch(method, data, gen):
    if method in ("mpf-rbm", "cd-1"):
        weights, biases, _ = init([784, 500], gen)
        w, b, c = weights[0], biases[0], biases[1]
        for start in range(0, data.shape[0], BATCH):
            v = data[start:start + BATCH]
            if method == "mpf-rbm":
                mpf_rbm_batch(v, w, b, c)
            else:
                cd1_batch(v, w.detach(), b.detach(), c.detach(), gen)
        return
    lateral = (1,) if method == "dbm-pcd-lateral" else ()
    weights, biases, laterals = init([784, 500, 1000], gen, lateral)
    if method == "vpf":
        for start in range(0, data.shape[0], BATCH):
            vpf_batch(data[start:start + BATCH], weights, biases, gen)
        return
    weights = [w.detach() for w in weights]
    biases = [b.detach() for b in biases]
    laterals = {l: m.detach() for l, m in laterals.items()}
    chains = [data[:BATCH].clone()] + [torch.bernoulli(torch.full((BATCH, n), 0.5), generator=gen) for n in (500, 1000)]
    for start in range(0, data.shape[0], BATCH):
        dbm_pcd_batch(data[start:start + BATCH], weights, biases, laterals, chains, gen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default=os.environ.get("VPF_BENCH_DATA", "/usr/share/datasets/fashion-mnist"))
    parser.add_argument("--methods", default="mpf-rbm,vpf-rbm-1-sweep,cd-1,dbm-pcd,dbm-pcd-lateral,vpf")
    parser.add_argument("--no-evaluate", action="store_true", help="skip timing `vpf evaluate` by section")
    args = parser.parse_args()
    methods = args.methods.split(",")
    torch.set_num_threads(args.threads)
    data = load_images(args.data, args.images)

    dll = os.path.join(ROOT, "bench", "Vpf.Bench", "bin", "Release", "net10.0", "Vpf.Bench.dll")
    env = dict(os.environ, VPF_BENCH_DATA=args.data)
    out = subprocess.run(["dotnet", dll, "compare", "--images", str(args.images), "--threads", str(args.threads),
                          "--methods", ",".join(methods)], check=True, capture_output=True, text=True, env=env)
    ours = {r["method"]: r["seconds"] for r in map(json.loads, out.stdout.splitlines())}

    print(f"# {data.shape[0]} images, batch {BATCH}, {args.threads} threads, torch {torch.__version__}")
    print(f"| method | .NET (s) | PyTorch (s) | PyTorch / .NET |")
    print(f"|---|---:|---:|---:|")
    for method in methods:
        if method == "vpf-rbm-1-sweep":
            print(f"| {method} | {ours[method]:.2f} | — | — |")
            continue
        gen = torch.Generator().manual_seed(1)
        torch_epoch(method, data[:200], gen)  # warm-up
        start = time.perf_counter()
        torch_epoch(method, data, gen)
        seconds = time.perf_counter() - start
        print(f"| {method} | {ours[method]:.2f} | {seconds:.2f} | {seconds / ours[method]:.2f} |", flush=True)
    if "mpf-rbm" in ours and "vpf-rbm-1-sweep" in ours:
        print(f"# MPF-RBM epoch / VPF-RBM (1 sweep) epoch: {ours['mpf-rbm'] / ours['vpf-rbm-1-sweep']:.1f}")
    if not args.no_evaluate:
        evaluate_by_section(args)


def evaluate_by_section(args):
    """One full `vpf evaluate` (default budget) of a 784-500 RBM trained for one VPF epoch, by section."""
    cli = os.path.join(ROOT, "src", "Vpf.Cli", "bin", "Release", "net10.0", "vpf.dll")
    common = ["--data", args.data, "--threads", str(args.threads)]
    with tempfile.TemporaryDirectory() as folder:
        model, report = os.path.join(folder, "rbm.vpf"), os.path.join(folder, "eval.json")
        subprocess.run(["dotnet", cli, "train", "--layers", "784,500", "--epochs", "1", "--out", model] + common,
                       check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(["dotnet", cli, "evaluate", model, "--json", report] + common, check=True, capture_output=True)
        wall = time.perf_counter() - start
        with open(report) as f:
            r = json.load(f)
    print(f"\n# vpf evaluate of a 784-500 RBM (default budget), {args.threads} threads")
    print("| section | seconds |")
    print("|---|---:|")
    rows = [("AIS log-likelihood", r["logLikelihood"]["seconds"]), ("Parzen", r["parzen"]["seconds"]),
            ("linear probe", r["linearProbe"]["seconds"]), ("reconstruction", r["reconstruction"]["seconds"]),
            ("report total", r["seconds"]), ("command wall clock", wall)]
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
