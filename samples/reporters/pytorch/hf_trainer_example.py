"""Fine-tuning with the Hugging Face Trainer, reporting to the headroom agent.

    pip install torch transformers datasets
    headroom agent &        # on the GPU node (or --simulate a scenario to try it)
    HEADROOM_RUN_ID=gpt2-wikitext python3 hf_trainer_example.py

The callback declares the run spec (model config + TrainingArguments) at train start, marks every
step and posts torch.cuda.memory_stats() twice a second from a background thread.
"""

from datasets import load_dataset
from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForLanguageModeling, Trainer,
                          TrainingArguments)

from headroom_reporter import HeadroomCallback

SEQ_LEN = 512


def main():
    tokenizer = AutoTokenizer.from_pretrained("gpt2")
    tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    data = load_dataset("wikitext", "wikitext-2-raw-v1", split="train[:2%]")
    data = data.map(lambda b: tokenizer(b["text"], truncation=True, max_length=SEQ_LEN), batched=True,
                    remove_columns=["text"])
    args = TrainingArguments(output_dir="gpt2-wikitext", per_device_train_batch_size=8, bf16=True,
                             gradient_checkpointing=True, max_steps=200, logging_steps=20, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=data,
                      data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False))
    trainer.add_callback(HeadroomCallback(seq_len=SEQ_LEN))
    trainer.train()


if __name__ == "__main__":
    main()
