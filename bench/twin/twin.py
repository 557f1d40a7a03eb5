#!/usr/bin/python3
"""The PyTorch twin of the weak-to-strong protocol: trains the strong student and ceiling of one `w2s run` again, from
what `w2s run --export-split DIR` wrote, with an independent implementation (Debian's python3-torch and numpy only), and
compares test accuracies with ours.

    /usr/bin/python3 bench/twin/twin.py DIR [--threads 2] [--order own|ours] [--shuffle-seed S]

DIR holds b.jsonl (half B: our token ids and type ids, the weak supervisor's soft labels, ground truth), test.jsonl,
settings.json (model shape, loss, learning rates, batch, epochs and steps as the run used them, and our accuracies),
forward_check.json (our pooled embeddings of the first test examples), order.json (the order our trainer visited B in)
and weights.safetensors (the pretrained encoder).

What is the same as ours: the weights, token ids, pooling (mean over the attention mask), zero-initialised bias-free
head, eval mode (no dropout), loss, Adam (no weight decay), cosine learning rate from the base rate to 0 over all steps
without warm-up (set before each step), batch and micro-batch size, epochs and steps. What differs: the arithmetic
(another libtorch build, another BLAS) and, by default, the batch order (--order own: a seeded permutation of its own each epoch), so the
twin's accuracy is a second draw of the same experiment. --order ours replays our trainer's order instead, which leaves
only the arithmetic and the code to differ. Either is compared with ours at 2 standard errors: binomial for accuracy,
Hanley-McNeil for AUROC (binary tasks; it still separates students that predict one class everywhere).

Writes DIR/twin.json (--order ours: DIR/twin_our_order.json) and prints a table. Exits 2 on bad input, 3 when torch runs
on the reference BLAS (50x slower; fix: apt-get install libopenblas0-openmp), 4 when the forward check fails; 0
otherwise (agreement is reported, not enforced: bench/twin/compare.sh enforces it).
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="folder written by `w2s run --export-split DIR`")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    ap.add_argument("--shuffle-seed", type=int, default=None, help="seed of the twin's batch order (default: the run's seed)")
    ap.add_argument("--order", choices=("own", "ours"), default="own",
                    help="batch order: own (a seeded permutation each epoch, default) or ours (replay order.json, the order our "
                         "trainer used, so that only the arithmetic differs)")
    ap.add_argument("--roles", default="student,ceiling", help="which models to train (default student,ceiling)")
    ap.add_argument("--forward-tolerance", type=float, default=1e-4, help="max |pooled ours - twin| allowed (default 1e-4)")
    ap.add_argument("--progress-every", type=int, default=10, help="a progress line every N optimizer steps (default 10)")
    return ap.parse_args()


ARGS = parse_args()
# OpenMP reads its thread count when the library loads: set it before torch is imported.
os.environ.setdefault("OMP_NUM_THREADS", str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert import Bert, config_of, read_safetensors  # noqa: E402

LOSSES = ("xent", "xent-hard", "logconf", "logconf-0.75", "logconf-reference")


def log(message):
    print(f"[twin {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fail(code, message):
    print(f"twin.py: {message}", file=sys.stderr)
    sys.exit(code)


# ---------- BLAS ----------

def blas_libraries():
    """The BLAS libraries this process has loaded (after one matmul, so a lazily loaded one is there too)."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "/" in line and ("blas" in line.lower() or "mkl" in line.lower())})


def require_fast_blas():
    """Debian's torch calls the system libblas.so.3 (BLAS_INFO=generic), which the alternatives system points at OpenBLAS
    or at the reference BLAS. Refuse the reference one: judge the libblas.so that is loaded (OpenBLAS' LAPACK may be
    loaded beside a reference libblas, so any OpenBLAS file in the process is not enough)."""
    show = torch.__config__.show()
    info = show.split("BLAS_INFO=")[1].split(",")[0].strip() if "BLAS_INFO=" in show else "?"
    libraries = blas_libraries()
    fast_names = ("openblas", "mkl", "blis")
    blas = [lib for lib in libraries if os.path.basename(lib).startswith("libblas.so")]
    if blas:
        fast = all(any(name in lib.lower() for name in fast_names) for lib in blas)
    else:
        fast = info.lower() in ("mkl", "open", "openblas") or any(name in lib.lower() for lib in libraries for name in fast_names)
    if fast:
        return info, libraries
    fail(3, "torch is running on the reference BLAS (BLAS_INFO=%s, loaded: %s), about 50x slower than OpenBLAS. Fix: "
            "apt-get install libopenblas0-openmp (it becomes the libblas.so.3 alternative; check with "
            "update-alternatives --display libblas.so.3-x86_64-linux-gnu; an LD_LIBRARY_PATH pointing at "
            "/usr/lib/x86_64-linux-gnu/blas overrides it)." % (info, ", ".join(libraries) or "none"))


# ---------- data ----------

def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load(directory):
    paths = {name: os.path.join(directory, name) for name in
             ("settings.json", "b.jsonl", "test.jsonl", "weights.safetensors", "forward_check.json")}
    missing = [name for name, path in paths.items() if not os.path.exists(path)]
    if missing:
        fail(2, f"{directory} lacks {', '.join(missing)}: write it with `w2s run ... --export-split {directory}` "
                "(settings.json is written last, so an interrupted export lacks it)")
    with open(paths["settings.json"], encoding="utf-8") as f:
        settings = json.load(f)
    if settings.get("format") != 1:
        fail(2, f"{paths['settings.json']}: format {settings.get('format')}, this twin reads format 1")
    b, test = read_jsonl(paths["b.jsonl"]), read_jsonl(paths["test.jsonl"])
    if len(b) != settings["bExamples"] or len(test) != settings["testExamples"]:
        fail(2, f"{directory}: {len(b)} B and {len(test)} test examples, settings say {settings['bExamples']} and {settings['testExamples']}")
    if settings["loss"] not in LOSSES:
        fail(2, f"loss '{settings['loss']}' is not implemented here (implemented: {', '.join(LOSSES)})")
    with open(paths["forward_check.json"], encoding="utf-8") as f:
        forward = json.load(f)
    return settings, b, test, read_safetensors(paths["weights.safetensors"]), forward


def pad(rows, pad_id):
    """ids, type ids and attention mask [B, T] int64, padded to the longest row, as our BertClassifier.Pad does."""
    t = max(len(r["ids"]) for r in rows)
    ids = torch.full((len(rows), t), pad_id, dtype=torch.long)
    types = torch.zeros((len(rows), t), dtype=torch.long)
    mask = torch.zeros((len(rows), t), dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["ids"])
        ids[i, :n] = torch.tensor(r["ids"], dtype=torch.long)
        types[i, :n] = torch.tensor(r["typeIds"], dtype=torch.long)
        mask[i, :n] = 1
    return ids, types, mask


# ---------- model ----------

def build(settings, weights):
    enc = settings["encoder"]
    cfg = config_of(weights, enc["heads"], enc["layerNormEps"])
    for ours, theirs in (("vocab", "vocab"), ("hidden", "hidden"), ("layers", "layers"), ("intermediate", "ffn"),
                         ("positions", "positions"), ("typeVocab", "types")):
        if enc[ours] != cfg[theirs]:
            fail(2, f"settings say {ours} {enc[ours]}, weights.safetensors has {cfg[theirs]}")
    model = Bert(cfg, settings["classes"])
    model.load_hf(weights)
    model.eval()  # no dropout (the module has none anyway), as our trainer trains
    return model


def forward_check(settings, weights, test, forward):
    """Our pooled embeddings of the first test examples against this model's, on the same padded batch."""
    model = build(settings, weights)
    rows = test[:forward["examples"]]
    ids, types, mask = pad(rows, settings["encoder"]["padId"])
    with torch.no_grad():
        pooled = model.pooled(ids, mask, types)
    ours = torch.tensor(forward["pooled"], dtype=torch.float32)
    return float((pooled - ours).abs().max())


# ---------- losses (ours: src/WeakToStrong/Losses) ----------

def soft_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, -1)).sum(-1).mean()


def quantile(values, q):
    """Linear interpolation between the order statistics (torch.quantile's default), as ConfidenceLoss.Quantile computes it."""
    s = np.sort(values.numpy().astype(np.float32))
    position = min(max(q, 0.0), 1.0) * (len(s) - 1)
    lo = int(math.floor(position))
    hi = min(lo + 1, len(s) - 1)
    return float(np.float32(float(s[lo]) + float(np.float32(s[hi] - s[lo])) * (position - lo)))


def hardened(logits, targets):
    """The student's own hardened labels: for two classes, class 1 where p(class 0) lies below the batch quantile that
    makes the share of positives the weak labels' mean positive mass; otherwise the argmax."""
    with torch.no_grad():
        probs = F.softmax(logits.detach(), -1)
        if logits.shape[1] != 2:
            return F.one_hot(probs.argmax(-1), logits.shape[1]).to(logits.dtype)
        p0 = probs[:, 0]
        threshold = quantile(p0, float(targets[:, 1].mean()))
        positive = p0 < threshold
        return torch.stack([~positive, positive], 1).to(logits.dtype)


def loss_function(name):
    if name == "xent":
        return lambda logits, targets, fraction: soft_cross_entropy(logits, targets)
    if name == "xent-hard":
        return lambda logits, targets, fraction: soft_cross_entropy(
            logits, F.one_hot(targets.argmax(-1), targets.shape[1]).to(logits.dtype))
    a_max = 0.75 if name == "logconf-0.75" else 0.5
    if name == "logconf-reference":
        coefficient = lambda f: a_max * (1.0 if f > 0.1 else f)  # noqa: E731  (the public code's schedule)
    else:
        coefficient = lambda f: a_max * min(1.0, f / 0.2)  # noqa: E731  (the paper's: warm-up over 20% of steps)

    def logconf(logits, targets, fraction):
        a = coefficient(fraction)
        return soft_cross_entropy(logits, targets * (1 - a) + hardened(logits, targets) * a)
    return logconf


# ---------- training and scoring ----------

def epoch_orders(directory, epochs, n, shuffle_seed):
    """Each epoch's permutation of B: our trainer's (order.json) or the twin's own."""
    if ARGS.order == "own":
        rng = np.random.default_rng(shuffle_seed)
        return [rng.permutation(n) for _ in range(epochs)]
    path = os.path.join(directory, "order.json")
    if not os.path.exists(path):
        fail(2, f"--order ours needs {path} (written by `w2s run --export-split`)")
    with open(path, encoding="utf-8") as f:
        orders = json.load(f)["epochs"]
    if len(orders) < epochs or any(sorted(o) != list(range(n)) for o in orders[:epochs]):
        fail(2, f"{path}: expected {epochs} permutations of {n} examples")
    return [np.array(o, dtype=np.int64) for o in orders[:epochs]]


def train(role, settings, weights, b, shuffle_seed):
    spec = settings[role]
    batch, epochs, steps, lr = settings["batchSize"], spec["epochs"], spec["steps"], spec["learningRate"]
    micro = settings.get("microBatchSize", batch)
    if micro <= 0 or batch % micro != 0:
        fail(2, f"micro-batch size {micro} does not divide the batch size {batch}")
    n = len(b)
    per_epoch = (n + batch - 1) // batch
    if spec["trainExamples"] != n or per_epoch * epochs != steps:
        fail(2, f"{role}: {n} examples in batches of {batch} for {epochs} epochs make {per_epoch * epochs} steps; "
                f"the run made {steps} on {spec['trainExamples']} examples")
    loss = loss_function(settings["loss"] if role == "student" else "xent")
    classes = settings["classes"]
    if role == "student":
        targets = torch.tensor([r["weak"] for r in b], dtype=torch.float32)
    else:
        targets = F.one_hot(torch.tensor([r["label"] for r in b]), classes).to(torch.float32)
    if targets.shape != (n, classes):
        fail(2, f"{role}: targets of shape {tuple(targets.shape)}, expected ({n}, {classes})")

    torch.manual_seed(settings["seed"])  # nothing random in the model (the head starts at zero); for completeness
    model = build(settings, weights)
    if settings["linearProbe"]:
        for p in model.body_parameters():
            p.requires_grad_(False)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(parameters, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    padded = pad(b, settings["encoder"]["padId"])
    orders = epoch_orders(ARGS.dir, epochs, n, shuffle_seed)
    start = time.perf_counter()
    step = 0
    log(f"{role}: {n} examples, {epochs} epochs x {per_epoch} batches of {batch} = {steps} steps, lr {lr:g}, "
        f"loss {settings['loss'] if role == 'student' else 'xent'}")
    for order in orders:
        for begin in range(0, n, batch):
            batch_index = order[begin:begin + batch]
            for group in optimizer.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
            optimizer.zero_grad()
            value = 0.0
            # Micro-batches as ours: each micro-batch's loss weighted by its share of the batch (the same gradient for
            # xent; logconf's quantile is taken per micro-batch, as ours takes it).
            for micro_begin in range(0, len(batch_index), micro):
                index = torch.from_numpy(batch_index[micro_begin:micro_begin + micro])
                length = int(padded[2][index].sum(1).max())  # pad to this micro-batch's longest, as ours does
                ids, types, mask = (t[index, :length] for t in padded)
                share = len(index) / len(batch_index)
                micro_loss = loss(model(ids, mask, types), targets[index], step / steps)
                (micro_loss * share).backward()
                value += micro_loss.item() * share
            optimizer.step()
            step += 1
            if step % ARGS.progress_every == 0 or step == steps:
                elapsed = time.perf_counter() - start
                log(f"{role}: step {step}/{steps} loss {value:.4f} ({elapsed:.0f} s, {elapsed / step:.2f} s/step)")
    return model, time.perf_counter() - start


def predict(model, settings, test):
    """Class probabilities [n, K] in test order, predicted in length-sorted batches of 64 as our Trainer.Predict does."""
    order = sorted(range(len(test)), key=lambda i: len(test[i]["ids"]))
    probabilities = np.zeros((len(test), settings["classes"]), dtype=np.float32)
    with torch.no_grad():
        for begin in range(0, len(order), 64):
            index = order[begin:begin + 64]
            ids, types, mask = pad([test[i] for i in index], settings["encoder"]["padId"])
            probabilities[index] = F.softmax(model(ids, mask, types), -1).numpy()
    return probabilities


def accuracy(probabilities, labels):
    """np.argmax takes the first maximum, as our Accuracy.ArgMax does."""
    return float(np.mean(np.argmax(probabilities, 1) == labels))


def auroc(scores, labels):
    """Mann-Whitney AUROC, tied scores counting one half (our Auroc.Of); None without both classes."""
    positives, negatives = int(np.sum(labels == 1)), int(np.sum(labels != 1))
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2.0 + 1
        start = end + 1
    return (ranks[labels == 1].sum() - positives * (positives + 1) / 2.0) / (positives * negatives)


def standard_error(p, n):
    return math.sqrt(p * (1 - p) / n)


def auroc_standard_error(a, positives, negatives):
    """Hanley and McNeil (1982)."""
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return math.sqrt(max(0.0, a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives))


def compared(ours, twin, se_ours, se_twin):
    ours, twin = float(ours), float(twin)
    two_se = 2 * math.sqrt(se_ours ** 2 + se_twin ** 2)
    return {"ours": ours, "twin": twin, "difference": twin - ours, "twoSe": two_se, "agree": bool(abs(twin - ours) <= two_se)}


def main():
    torch.set_num_threads(ARGS.threads)
    info, libraries = require_fast_blas()
    settings, b, test, weights, forward = load(ARGS.dir)
    seed = settings["seed"] if ARGS.shuffle_seed is None else ARGS.shuffle_seed
    log(f"{settings['task']} seed {settings['seed']}: {settings['weakModel']} -> {settings['strongModel']}, "
        f"B {len(b)}, test {len(test)}; torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"BLAS {', '.join(os.path.basename(lib) for lib in libraries) or info}")

    difference = forward_check(settings, weights, test, forward)
    log(f"forward check: max |pooled ours - twin| = {difference:.2e} over {forward['examples']} test examples "
        f"(tolerance {ARGS.forward_tolerance:g})")
    report = {"task": settings["task"], "seed": settings["seed"], "order": ARGS.order,
              "shuffleSeed": seed if ARGS.order == "own" else None, "strongModel": settings["strongModel"],
              "weakModel": settings["weakModel"], "loss": settings["loss"], "testExamples": len(test),
              "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": libraries or [info],
              "forwardCheck": {"maxAbsDifference": difference, "tolerance": ARGS.forward_tolerance,
                               "ok": difference <= ARGS.forward_tolerance},
              "weak": {"ours": settings["weak"]["testAccuracy"]}, "roles": {}}
    if difference > ARGS.forward_tolerance:
        write_report(report)
        fail(4, f"forward check failed: our pooled embeddings differ from the twin's by {difference:.2e} "
                f"(> {ARGS.forward_tolerance:g}); the training comparison would be meaningless")

    n = len(test)
    labels = np.array([r["label"] for r in test])
    positives, negatives = int(np.sum(labels == 1)), int(np.sum(labels != 1))
    for role in [r.strip() for r in ARGS.roles.split(",") if r.strip()]:
        if role not in ("student", "ceiling"):
            fail(2, f"--roles takes student and/or ceiling, not '{role}'")
        model, seconds = train(role, settings, weights, b, seed)
        probabilities = predict(model, settings, test)
        twin, ours = accuracy(probabilities, labels), settings[role]["testAccuracy"]
        entry = compared(ours, twin, standard_error(ours, n), standard_error(twin, n))
        entry.update({"steps": settings[role]["steps"], "epochs": settings[role]["epochs"],
                      "learningRate": settings[role]["learningRate"], "trainSeconds": seconds})
        # AUROC too (binary tasks): it still tells students apart that predict one class everywhere (accuracy 50%).
        ours_auroc = settings[role].get("testAuroc")
        twin_auroc = auroc(probabilities[:, 1], labels) if settings["classes"] == 2 else None
        if ours_auroc is not None and twin_auroc is not None:
            entry["auroc"] = compared(ours_auroc, twin_auroc, auroc_standard_error(ours_auroc, positives, negatives),
                                      auroc_standard_error(twin_auroc, positives, negatives))
        report["roles"][role] = entry
        log(f"{role}: twin {twin:.1%}, ours {ours:.1%}" + (f"; AUROC twin {twin_auroc:.3f}, ours {ours_auroc:.3f}"
                                                           if "auroc" in entry else "") + f" ({seconds:.0f} s)")
        del model

    write_report(report)
    order = f"twin's batch order seed {seed}" if ARGS.order == "own" else "our batch order"
    print(f"{settings['task']} (seed {settings['seed']}, {order}): {settings['weakModel']} -> "
          f"{settings['strongModel']}, loss {settings['loss']}, {n} test examples")
    print(f"{'role':<8} {'metric':<8} {'ours':>7} {'twin':>7} {'diff':>7} {'2 SE':>6}  agree")
    for role, r in report["roles"].items():
        print(f"{role:<8} {'accuracy':<8} {r['ours']:>7.1%} {r['twin']:>7.1%} {100 * r['difference']:>+7.1f} "
              f"{100 * r['twoSe']:>6.1f}  {'yes' if r['agree'] else 'NO'}")
        if "auroc" in r:
            a = r["auroc"]
            print(f"{role:<8} {'AUROC':<8} {a['ours']:>7.3f} {a['twin']:>7.3f} {a['difference']:>+7.3f} {a['twoSe']:>6.3f}  "
                  f"{'yes' if a['agree'] else 'NO'}")
    print(f"written to {report_path()}")


def report_path():
    return os.path.join(ARGS.dir, "twin.json" if ARGS.order == "own" else "twin_our_order.json")


def write_report(report):
    path = report_path()
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(temp, path)


if __name__ == "__main__":
    main()
