"""CURVE keys and who may connect: shared by the shop side (demo shop, shop library) and the control room."""
