"""Multi-view DiT for kiln: data preparation, model, training loop and ONNX export."""
