using Mandate.Policy;

namespace Mandate.Core.Grants;

/// <summary>Audit evidence of how a request was bound to its sender: thumbprints only, never keys or certificates.</summary>
public static class SenderBindingEvidence
{
    public static void Add(IDictionary<string, string> evidence, SenderBinding binding)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(binding);
        if (binding.CertificateIdentity is not null)
        {
            evidence["client_auth"] = "tls_client_auth";
            evidence["client_cert_x5t_s256"] = binding.CertificateThumbprint ?? "";
        }

        if (binding.DpopJkt is not null)
        {
            evidence["dpop_jkt"] = binding.DpopJkt;
        }

        if (binding.Kind != SenderConstraintKind.None)
        {
            evidence["sender_constraint"] = binding.Kind == SenderConstraintKind.Dpop ? "dpop" : "mtls";
        }
    }
}
