"""EC2 resource customizations: the tag helpers boto3 adds (see ``tags``)."""
