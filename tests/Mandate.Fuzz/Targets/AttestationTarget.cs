using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Testing;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// The compact JWT reader and the identity attestation behind it (signature, iss/aud/exp/nbf/iat, typ,
/// crit, profiles), fed mutated tokens that are mostly signed again with the trusted key, so the claim
/// checks run. Oracle: an identity or a failure reason, never an exception; an identity only from a
/// token that still reads as a JWT.
/// </summary>
internal sealed class AttestationTarget : FuzzTarget<string>, IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly JwtSeeds _seeds;
    private readonly JwtAttestor _attestor;

    public AttestationTarget()
    {
        _seeds = new JwtSeeds(_clock.GetUtcNow());
        _attestor = new JwtAttestor(_seeds.Issuers, _clock);
    }

    public override string Name => "jwt";

    public override string Covers => "CompactJwt.TryRead + JwtAttestor (workload, user, Kubernetes and GitHub Actions tokens)";

    public void Dispose() => _seeds.Dispose();

    protected override string Generate(Random random)
    {
        var seed = random.Next(_seeds.Seeds.Count);
        return JwtMutations.Mutate(random, JwtSeeds.Header, _seeds.PayloadJson(seed), _seeds.Sign);
    }

    protected override async ValueTask<Verdict> CheckAsync(string input)
    {
        var readable = CompactJwt.TryRead(input, out var jwt);
        if (readable)
        {
            // What the broker reads before it verifies anything (to route the subject token).
            _ = jwt!.TryGetPayloadValue<string>("iss", out _);
            _ = jwt.Alg;
            _ = jwt.Kid;
        }

        var (workload, user) = await _attestor.AttestSubjectAsync(input, "subject_token", CancellationToken.None);
        var actor = await _attestor.AttestWorkloadAsync(input, "actor_token", CancellationToken.None);
        foreach (var (identity, failure) in new (object?, string?)[] { (workload?.Identity, workload?.Failure), (user?.Identity, user?.Failure), (actor.Identity, actor.Failure) })
        {
            if (identity is not null && !readable)
            {
                return Verdict.Broken("an identity from a token CompactJwt refuses to read");
            }

            if (identity is not null && failure is not null)
            {
                return Verdict.Broken("both an identity and a failure");
            }
        }

        if ((workload ?? (object?)user) is null || (workload is not null && workload.Identity is null && workload.Failure is null)
            || (user is not null && user.Identity is null && user.Failure is null) || (actor.Identity is null && actor.Failure is null))
        {
            return Verdict.Broken("neither an identity nor a failure");
        }

        return workload?.Identity is not null || user?.Identity is not null || actor.Identity is not null ? Verdict.Accepted : Verdict.Refused;
    }
}
