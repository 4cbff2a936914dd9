"""A minimal PyTorch training loop reporting to the headroom agent.

    headroom agent --simulate ../../scenarios/single-h100.yaml &   # or a real agent on a GPU node
    python3 train_loop_example.py

Without an agent the loop runs exactly the same; the reporter warns once and stays quiet.
"""

import torch
import torch.nn as nn

from headroom_reporter import HeadroomReporter, run_spec_from


def main():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = nn.Sequential(nn.Linear(4096, 16384), nn.GELU(), nn.Linear(16384, 4096)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    micro_batch, seq_len = 8, 512

    # An inline architecture the predictor understands (docs/predictor.md); a preset name works too.
    spec = run_spec_from(
        {"layers": 1, "hidden": 4096, "heads": 32, "intermediate": 16384, "vocab": 32000, "mlp": "gelu"},
        seq_len=seq_len, micro_batch=micro_batch, precision="fp32", optimizer="adamw")

    with HeadroomReporter(run_id="mlp-example", spec=spec, interval_seconds=0.5) as reporter:
        for step in range(200):
            reporter.step(step)
            x = torch.randn(micro_batch, seq_len, 4096, device=device)
            loss = model(x).pow(2).mean()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if step % 50 == 0:
                print("step", step, "loss", float(loss))


if __name__ == "__main__":
    main()
