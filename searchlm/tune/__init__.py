"""LoRA task tuning of the shared LM (research code, beside the runtime packages).

`python -m searchlm.tune train` tunes a LoRA adapter on a registered task (`tasks.py`),
`python -m searchlm.tune export` writes it as a GGUF LoRA that llama.cpp loads
(`gguf_lora.py`) with a model card. The model server reads adapters through `gguf_lora`
and `base.base_info` only, which need neither torch nor transformers: those are imported by
`train.py` and `evaluate.py`, and inside `base.py`'s functions.
"""
