"""DynamoDB's high-level API: ``types`` (TypeSerializer, TypeDeserializer, Binary),
``conditions`` (Key, Attr), ``table`` (batch_writer) and ``transform`` (the Table
resource's automatic conversions)."""
