namespace Mandate.SenderConstraint;

/// <summary>The replay check (RFC 9449 §11.1), made with the others or, by an endpoint that authenticates its caller later, on its own.</summary>
public sealed partial class DpopProofValidator
{
    /// <summary>
    /// Runs every check of RFC 9449 §4.3 against <paramref name="request"/>; the replay check last. When the replay
    /// guard cannot tell (its store is down) its exception propagates: the proof is never accepted unchecked.
    /// </summary>
    public async Task<DpopValidationResult> ValidateAsync(DpopProofRequest request, CancellationToken cancellationToken = default)
    {
        var result = await CheckAsync(request, cancellationToken);
        return result.IsValid ? await RecordAsync(result, cancellationToken) : result;
    }

    /// <summary>
    /// Step 11 / §11.1: remembers the proof <see cref="CheckAsync"/> passed, so it is accepted once while its iat is within
    /// the window; the result is <paramref name="proof"/>, or the refusal of a replay. A store failure propagates.
    /// </summary>
    public async Task<DpopValidationResult> RecordAsync(DpopValidationResult proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (!proof.IsValid || proof.ReplayExpiresAt is not { } expiresAt)
        {
            throw new ArgumentException("only a proof CheckAsync passed can be recorded", nameof(proof));
        }

        var outcome = await _replayGuard.TryAddAsync(proof.JwkThumbprint + " " + proof.Jti, expiresAt, _time.GetUtcNow(), cancellationToken);
        return outcome switch
        {
            ReplayCacheOutcome.Added => proof,
            ReplayCacheOutcome.Replayed => DpopValidationResult.Invalid(BindingChecks.DpopProofReplayed, "the DPoP proof was already used (jti replay, RFC 9449 section 11.1); create a fresh proof with a new jti for every request"),
            _ => DpopValidationResult.Invalid(BindingChecks.DpopReplayCacheFull, "the DPoP replay cache is full; retry shortly with a fresh proof"),
        };
    }
}
