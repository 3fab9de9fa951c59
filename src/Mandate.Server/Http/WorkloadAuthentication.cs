using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// Authenticates a calling workload (a tool or an agent) on introspection and revocation by its
/// workload identity JWT in <c>Authorization: Bearer</c>. Never a static shared secret.
/// </summary>
public sealed class WorkloadAuthentication
{
    private readonly JwtAttestor _attestor;

    public WorkloadAuthentication(JwtAttestor attestor) => _attestor = attestor;

    public async Task<(WorkloadIdentity? Caller, OAuthError? Error)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OAuthError.InvalidClient("authenticate with 'Authorization: Bearer <workload identity JWT>' (the caller's JWT-SVID)"));
        }

        var result = await _attestor.AttestWorkloadAsync(value["Bearer ".Length..].Trim(), "the bearer workload token", cancellationToken);
        return result.Identity is null ? (null, OAuthError.InvalidClient(result.Failure!)) : (result.Identity, null);
    }
}
