using System.Text.Json;
using Mandate.Core.Keys;
using Mandate.SenderConstraint;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Audit.Checkpoints;

/// <summary>
/// A signed audit checkpoint: the chain head (sequence, hash) at a time, signed by a node's checkpoint key as a compact
/// JWS of type <see cref="TokenType"/>, kept as one JSON line away from the store. A store rewritten wholesale and
/// re-chained consistently no longer has that hash at that sequence, which <see cref="AuditVerifier"/> reports.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTimeOffset Time, string Jws)
{
    public const string TokenType = "mandate-audit-checkpoint+jwt";

    /// <summary>The kid prefix of checkpoint keys, telling them apart from token keys in a JWKS file that holds both (one saved before they moved to <c>/audit/jwks</c>).</summary>
    public const string KidPrefix = "audit-checkpoint-";

    /// <summary>How long a retired checkpoint key stays published: checkpoints are evidence for years.</summary>
    public static readonly TimeSpan KeyPublishedFor = TimeSpan.FromDays(3650);

    private const string SequenceClaim = "seq";
    private const string HashClaim = "hash";
    private const string NodeClaim = "node";
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };

    /// <summary>The chain head this checkpoint vouches for.</summary>
    public AuditTail Head => new(Sequence, Hash);

    /// <summary>Signs <paramref name="head"/> as of <paramref name="time"/> with <paramref name="key"/>.</summary>
    public static AuditCheckpoint Sign(AuditTail head, DateTimeOffset time, string node, string issuer, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var jws = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            IssuedAt = time.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [SequenceClaim] = head.Sequence,
                [HashClaim] = head.Hash,
                [NodeClaim] = node,
            },
        });
        // The JWS carries whole seconds; the line says the same time so an edit of either shows.
        return new AuditCheckpoint(head.Sequence, head.Hash, DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds()), jws);
    }

    /// <summary>The line written to the checkpoint file (without the newline).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(new
    {
        sequence = Sequence,
        hash = Hash,
        time = AuditCanonicalJson.FormatTime(Time),
        jws = Jws,
    });

    /// <summary>
    /// Reads and verifies one checkpoint line against <paramref name="keys"/> (by kid): its JWS must be a checkpoint signed
    /// by one of them, by <paramref name="issuer"/> when given, and say exactly what the line says.
    /// </summary>
    public static async Task<AuditCheckpointReading> VerifyAsync(string line, IReadOnlyDictionary<string, JsonWebKey> keys, string? issuer)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!TryParse(line, out var sequence, out var hash, out var time, out var jws))
        {
            return AuditCheckpointReading.Refused("malformed checkpoint line");
        }

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(jws);
        }
        catch (ArgumentException)
        {
            return AuditCheckpointReading.Refused("malformed checkpoint signature");
        }

        if (!keys.TryGetValue(token.Kid ?? "", out var key) || !(token.Kid ?? "").StartsWith(KidPrefix, StringComparison.Ordinal))
        {
            return AuditCheckpointReading.Refused($"unknown checkpoint key '{token.Kid}'");
        }

        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            // iss is compared below, once the signature holds, so the refusal can say whose checkpoint it is.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [TokenType],
            IssuerSigningKey = key,
        });
        if (!result.IsValid)
        {
            return AuditCheckpointReading.Refused("checkpoint signature does not verify");
        }

        if (issuer is not null && !string.Equals(token.Issuer, issuer, StringComparison.Ordinal))
        {
            // A key set may hold another deployment's checkpoint keys; its checkpoints vouch for its chain, not this one.
            return AuditCheckpointReading.Refused($"checkpoint signed for issuer '{OAuthErrorText.Sanitize(token.Issuer)}', not this broker's issuer '{issuer}': "
                + "it comes from another Mandate deployment (its key is in the key set); verify with this deployment's /audit/jwks only");
        }

        var signed = token.TryGetPayloadValue<long>(SequenceClaim, out var signedSequence)
            && token.TryGetPayloadValue<string>(HashClaim, out var signedHash)
            && signedSequence == sequence && signedHash == hash && token.IssuedAt == time.UtcDateTime;
        return signed
            ? AuditCheckpointReading.Verified(new AuditCheckpoint(sequence, hash, time, jws))
            : AuditCheckpointReading.Refused($"checkpoint line #{sequence} says other than its signature");
    }

    /// <summary>The head a checkpoint line states, unverified (the writer's own file, to resume after it); null when malformed.</summary>
    public static AuditTail? TryReadHead(string line) =>
        TryParse(line, out var sequence, out var hash, out _, out _) ? new AuditTail(sequence, hash) : null;

    private static bool TryParse(string line, out long sequence, out string hash, out DateTimeOffset time, out string jws)
    {
        (sequence, hash, time, jws) = (0, "", default, "");
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sequence", out var s) || !s.TryGetInt64(out sequence)
                || !root.TryGetProperty("hash", out var h) || h.GetString() is not { } hashText
                || !root.TryGetProperty("time", out var t) || !t.TryGetDateTimeOffset(out time)
                || !root.TryGetProperty("jws", out var j) || j.GetString() is not { } jwsText)
            {
                return false;
            }

            (hash, jws) = (hashText, jwsText);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
