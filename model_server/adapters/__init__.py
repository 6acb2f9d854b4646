"""LoRA adapters shipped with the model server (GGUF LoRA files + model cards), loaded when
ADAPTERS_DIR is "packaged" and the packaged Gemma 3 270M is served. See docs/tuning.md."""
