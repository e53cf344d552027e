/** Secrets Manager secrets and KMS customer managed keys: a flat monthly price each. */
import { fixed, monthly, svc } from "./line";
import { PricerTable } from "./types";

export const secretsPricers: PricerTable = {
    "aws:secretsmanager/secret:Secret": () => fixed([monthly("Secrets Manager secret", 1, svc("secretsManagerSecretMonth"))]),
    "aws:kms/key:Key": () => fixed([monthly("KMS customer managed key", 1, svc("kmsKeyMonth"))]),
};
