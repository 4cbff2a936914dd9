"""A minimal PyTorch training loop reporting to the headroom agent.

    headroom agent --simulate ../../scenarios/single-h100.yaml &   # or a real agent on a GPU node
    python3 train_loop_example.py

The model is the small HF-layout Llama of llama_loop_example.py, so the run spec the reporter
declares describes the run truly and the collector's predicted peak can be set against what the
agent sees. Without an agent the loop runs exactly the same; the reporter warns once and stays quiet.
"""

import torch

from headroom_reporter import HeadroomReporter
from llama_loop_example import Llama, loss_of, spec_of


def main():
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    config = {"layers": 4, "hidden": 1024, "heads": 16, "kv_heads": 4, "intermediate": 2816, "vocab": 32000}
    micro_batch, seq_len = 4, 512
    model = Llama(config).to(device, torch.bfloat16 if cuda else torch.float32)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    gpu = int(torch.cuda.get_device_properties(0).total_memory) if cuda else None
    spec = spec_of(config, micro_batch, seq_len, gpu)

    with HeadroomReporter(run_id="llama-example", spec=spec, interval_seconds=0.5) as reporter:
        for step in range(200):
            reporter.step(step)
            ids = torch.randint(0, config["vocab"], (micro_batch, seq_len), device=device)
            loss = loss_of(model, ids)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if step % 50 == 0:
                print("step", step, "loss", float(loss))


if __name__ == "__main__":
    main()
