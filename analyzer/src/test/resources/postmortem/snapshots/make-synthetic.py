# Writes the synthetic snapshots used by SnapshotReaderTest (real files never hold an `oom` event).
# Run with python3 from this folder; no torch needed. Shapes follow torch/csrc/cuda/memory_snapshot.cpp.
import os
import pickle

MIB = 1 << 20


def block(addr, size, state, fname="train.py", line=10, name="forward"):
    return {"address": addr, "size": size, "requested_size": size, "state": state,
            "frames": [{"filename": "??", "line": 0, "name": "torch::unwind::unwind()"},
                       {"filename": fname, "line": line, "name": name}]}


def segment(addr, blocks, stream=0):
    total = sum(b["size"] for b in blocks)
    alloc = sum(b["size"] for b in blocks if b["state"] == "active_allocated")
    return {"device": 0, "address": addr, "total_size": total, "allocated_size": alloc,
            "active_size": alloc, "requested_size": alloc, "stream": stream, "segment_type": "large",
            "segment_pool_id": (0, 0), "is_expandable": False, "frames": [], "blocks": blocks}


def snapshot(request, stream_b=0):
    a, b = 0x7F0000000000, 0x7F0010000000
    segs = [
        segment(a, [block(a, 12 * MIB, "active_allocated", line=11, name="embed"),
                    block(a + 12 * MIB, 8 * MIB, "inactive")]),
        segment(b, [block(b, 40 * MIB, "active_allocated", line=42, name="attention"),
                    block(b + 40 * MIB, 24 * MIB, "inactive")], stream=stream_b),
    ]
    trace = [
        {"action": "alloc", "addr": b, "size": 40 * MIB, "stream": 0, "time_us": 1000, "frames": []},
        {"action": "oom", "device_free": 10 * MIB, "size": request, "stream": 0, "time_us": 2000,
         "frames": [{"filename": "train.py", "line": 99, "name": "step"}]},
    ]
    return {"segments": segs, "device_traces": [trace],
            "allocator_settings": {"PYTORCH_CUDA_ALLOC_CONF": "", "max_split_size": -1,
                                   "expandable_segments": False}}


class Exploit:
    def __reduce__(self):
        return (os.system, ("echo this must never run",))


with open("synthetic-oom-fragmented.pickle", "wb") as f:
    pickle.dump(snapshot(30 * MIB), f)  # 32 MiB cached, largest hole 24 MiB
with open("synthetic-oom-shortage.pickle", "wb") as f:
    pickle.dump(snapshot(100 * MIB), f)  # more than everything cached
with open("hostile-stack-global.pickle", "wb") as f:
    pickle.dump({"segments": [], "x": Exploit()}, f, protocol=4)
with open("hostile-global-proto0.pickle", "wb") as f:
    pickle.dump({"segments": [], "x": Exploit()}, f, protocol=0)
with open("not-a-snapshot.pickle", "wb") as f:
    pickle.dump({"weights": [1.0, 2.0]}, f)
with open("bad-shape.pickle", "wb") as f:
    s = snapshot(30 * MIB)
    s["segments"][1]["blocks"][0]["size"] = "40 MiB"
    pickle.dump(s, f)
