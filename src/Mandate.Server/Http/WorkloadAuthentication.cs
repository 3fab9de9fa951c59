using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Mandate.Server.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// Authenticates a calling workload (a tool or an agent) on introspection and revocation by its
/// workload identity JWT in <c>Authorization: Bearer</c>, or without one by its X.509-SVID over mutual TLS.
/// Never a static shared secret.
/// </summary>
public sealed class WorkloadAuthentication
{
    private readonly JwtAttestor _attestor;
    private readonly ClientCertificateAuthenticator _certificates;

    public WorkloadAuthentication(JwtAttestor attestor, ClientCertificateAuthenticator certificates)
    {
        _attestor = attestor;
        _certificates = certificates;
    }

    public async Task<(WorkloadIdentity? Caller, OAuthError? Error)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization;
        if (header.Count == 0)
        {
            // Over mutual TLS the caller's X.509-SVID authenticates it (docs/sender-constraint.md).
            var (identity, _, error) = await _certificates.AuthenticateAsync(request.HttpContext, cancellationToken);
            if (identity is not null || error is not null)
            {
                return (identity, error);
            }
        }

        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ClientChecks.CredentialsMissing.Refuse("authenticate with 'Authorization: Bearer <workload identity JWT>' (the caller's JWT-SVID)"));
        }

        var result = await _attestor.AttestWorkloadAsync(value["Bearer ".Length..].Trim(), "the bearer workload token", cancellationToken);
        return result.Identity is { } caller ? (caller, null) : (null, ClientChecks.WorkloadTokenInvalid.Refuse(result.Failure ?? "the bearer workload token is invalid"));
    }
}
