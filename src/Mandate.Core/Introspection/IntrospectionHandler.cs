using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Core.Introspection;

/// <summary>
/// RFC 7662 for tools: a tool's workload asks whether a credential is good. Only a workload of the
/// token's own tool learns that it is active (§4: don't help others probe tokens). Every answer is
/// recorded as "accepted by" or "rejected by" that workload.
/// </summary>
public sealed class IntrospectionHandler
{
    private readonly IssuedTokenValidator _validator;
    private readonly PrincipalStanding _standing;
    private readonly Registry _registry;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public IntrospectionHandler(IssuedTokenValidator validator, PrincipalStanding standing, Registry registry, IUnitOfWork trail, MandateOptions options, TimeProvider time)
    {
        _validator = validator;
        _standing = standing;
        _registry = registry;
        _trail = trail;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Throws <see cref="StoreUnavailableException"/> when an active answer could not be recorded (the host
    /// answers 503). An inactive answer only withholds authority, so it stands even when the store fails.
    /// </summary>
    public async Task<IntrospectionResult> IntrospectAsync(WorkloadIdentity caller, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (issued, reason) = await _validator.ValidateAsync(token, allowExpired: false);
        var tool = issued is null ? null : _registry.FindTool(issued.Audience);
        if (issued is not null && reason.Length == 0)
        {
            if (tool is null || !tool.Workloads.Contains(caller.SpiffeId, StringComparer.Ordinal))
            {
                reason = "caller is not a workload of the token's tool";
            }
            else if (await _standing.CoveringCredentialAsync(issued.Facts, cancellationToken) is { } revocation)
            {
                reason = $"revoked ({revocation.Target.ToString().ToLowerInvariant()} revocation {revocation.Id})";
            }
        }

        var active = issued is not null && reason.Length == 0;
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["by"] = caller.SpiffeId,
            ["by_issuer"] = caller.Evidence.Issuer,
        };
        if (issued is not null)
        {
            evidence["aud"] = issued.Audience;
            evidence["exp"] = issued.ExpiresAt.ToUnixTimeSeconds().ToString();
        }

        // Only attribute the record to the token's principal when it is our token; otherwise it names nobody.
        var record = _trail.CommitAsync(
            new StoreBatch(new AuditEvent
            {
                Kind = AuditKinds.Introspection,
                Time = _time.GetUtcNow(),
                Outcome = active ? "accepted" : "rejected",
                Reason = active ? null : reason,
                Agent = issued?.Agent,
                Tenant = issued?.Tenant,
                User = issued?.User,
                Run = issued?.Run,
                Tool = tool?.Name,
                Scope = issued?.Scope,
                Jti = issued?.Jti,
                DecisionId = issued?.DecisionId,
                PolicyVersion = issued?.PolicyVersion,
                Node = _options.Node,
                Evidence = evidence,
            }),
            cancellationToken);
        try
        {
            await record;
        }
        catch (StoreUnavailableException) when (!active)
        {
            // Like a policy denial during an outage: refusing needs no record to be safe.
        }

        return new IntrospectionResult(active, active ? issued : null, reason);
    }
}
