"""Sets one device-check loop's measured peaks against headroom's predictions (run.sh calls it)."""
import json
import sys

GIB = 1 << 30


def first_json(path):
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    return json.loads(line)
    except (OSError, ValueError):
        return None
    return None


def main(out, name):
    observed = first_json(f"{out}/{name}.observed.json")
    recording = first_json(f"{out}/{name}.recording.json")
    rows = []
    for metric in ("allocated", "reserved", "device"):
        predicted = first_json(f"{out}/{name}.predicted-{metric}.json")
        measured = None
        if metric == "allocated" and observed:
            measured = observed.get("allocated_bytes")
        elif metric == "reserved" and observed:
            measured = observed.get("reserved_bytes")
        elif metric == "device" and recording and observed:
            # NVML's figure for the loop's process: the recording's peak holder, when it is the loop.
            pid = observed.get("pid") if observed else None
            gpus = [g for g in recording.get("gpus", [])
                    if g.get("peak_holder_used_bytes") and g.get("peak_holder_pid") == pid]
            if gpus:
                measured = max(g["peak_holder_used_bytes"] for g in gpus)
        p = predicted.get("peak_bytes") if predicted else None
        if measured and p:
            rows.append(f"  {metric:9} measured {measured / GIB:7.2f} GiB  predicted {p / GIB:7.2f} GiB"
                        f"  error {100.0 * (p - measured) / measured:+6.1f} %")
        else:
            rows.append(f"  {metric:9} measured {'-' if not measured else f'{measured / GIB:.2f} GiB'}"
                        f"  predicted {'-' if not p else f'{p / GIB:.2f} GiB'}")
    print("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
