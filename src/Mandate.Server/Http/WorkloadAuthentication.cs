using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Mandate.Server.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// Authenticates a calling workload (a tool or an agent) on introspection and revocation by its
/// workload identity JWT in <c>Authorization: Bearer</c>, or by its X.509-SVID over mutual TLS.
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
        // RFC 8705 §2: a client certificate is itself client authentication, so it is judged whether or not an
        // Authorization header came with it; a refused one fails the request (RFC 6749 §2.3: one method per request,
        // never a fallback to the other). Without trust bundles no certificate is an authentication method here.
        var (certified, _, certificateError) = await _certificates.AuthenticateAsync(request.HttpContext, cancellationToken);
        if (certificateError is not null)
        {
            return (null, certificateError);
        }

        var header = request.Headers.Authorization;
        if (header.Count > 1)
        {
            // RFC 9110 §11.6.2: one Authorization header carries the client's one credential.
            return (null, ClientChecks.AuthorizationRepeated.Refuse(
                $"the Authorization header was sent {header.Count} times; authenticate once, with one 'Authorization: Bearer <workload identity JWT>' header (or the X.509-SVID over mutual TLS alone)"));
        }

        if (header.Count == 0 && certified is not null)
        {
            return (certified, null);
        }

        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ClientChecks.CredentialsMissing.Refuse("authenticate with 'Authorization: Bearer <workload identity JWT>' (the caller's JWT-SVID)"));
        }

        var result = await _attestor.AttestWorkloadAsync(value["Bearer ".Length..].Trim(), "the bearer workload token", cancellationToken);
        if (result.Identity is not { } caller)
        {
            return (null, ClientChecks.WorkloadTokenInvalid.Refuse(result.Failure ?? "the bearer workload token is invalid"));
        }

        // RFC 6749 §2.3: a request authenticates one client. A certificate and a bearer token naming two workloads
        // leave it unclear which one asks, so neither is taken.
        return certified is not null && certified.SpiffeId != caller.SpiffeId
            ? (null, ClientChecks.IdentitiesDiffer.Refuse(
                $"the bearer workload token names '{caller.SpiffeId}' but the client certificate (X.509-SVID) is '{certified.SpiffeId}'; authenticate as one workload: send its certificate alone, or a bearer token for the same workload"))
            : (caller, null);
    }
}
