using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Protocol;
using System.Text.Json;

namespace Mandate.Core.Audit;

/// <summary>
/// How a store keeps an audit event in few bytes without losing any of it: the fields that repeat across records
/// (kind, outcome, agent, tenant, tool, scope, policy version, rule, reason, node and most evidence) form a
/// <see cref="Shape"/> that is stored once and referenced; each record keeps only what is its own (time, user, run,
/// jti, decision id, trace id, and the values of per-token evidence such as expiries and token ids, whose keys the
/// shape lists). <see cref="Join"/> rebuilds the event exactly, so its canonical payload, and therefore the hash
/// chain, is the one <see cref="AuditCanonicalJson"/> defines.
/// </summary>
public sealed record AuditCompactForm(
    AuditShape Shape,
    DateTimeOffset Time,
    string? User,
    string? Run,
    string? Jti,
    string? DecisionId,
    string? TraceId,
    string? OwnValues)
{
    /// <summary>Splits <paramref name="e"/> into its shape and its own fields.</summary>
    public static AuditCompactForm Split(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Split(e, AuditCanonicalJson.OrderedEvidence(e.Evidence));
    }

    /// <summary>As <see cref="Split(AuditEvent)"/>, with <paramref name="e"/>'s evidence already in ordinal key order.</summary>
    internal static AuditCompactForm Split(AuditEvent e, KeyValuePair<string, string>[] orderedEvidence)
    {
        var ownCount = 0;
        foreach (var pair in orderedEvidence)
        {
            ownCount += IsOwn(pair.Key) ? 1 : 0;
        }

        var shared = new KeyValuePair<string, string>[orderedEvidence.Length - ownCount];
        var ownKeys = new string[ownCount];
        var ownValues = new string[ownCount];
        int s = 0, o = 0;
        foreach (var pair in orderedEvidence)
        {
            if (IsOwn(pair.Key))
            {
                ownKeys[o] = pair.Key;
                ownValues[o++] = pair.Value;
            }
            else
            {
                shared[s++] = pair;
            }
        }

        var shape = AuditShapeCache.Of(e, shared, ownKeys, ShapeOf);
        return new AuditCompactForm(
            shape,
            e.Time,
            e.User,
            e.Run,
            e.Jti,
            e.DecisionId,
            e.TraceId,
            ownCount == 0 ? null : AuditCanonicalJson.SerializeStrings(ownValues));
    }

    private static AuditShape ShapeOf(AuditEvent e, KeyValuePair<string, string>[] shared, string[] ownKeys)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in shared)
        {
            evidence[key] = value;
        }

        var shape = e with { Time = DateTimeOffset.UnixEpoch, User = null, Run = null, Jti = null, DecisionId = null, TraceId = null, Evidence = evidence };
        return AuditShape.Of(shape, ownKeys.Length == 0 ? null : AuditCanonicalJson.SerializeStrings(ownKeys));
    }

    /// <summary>
    /// Rebuilds the event from its stored parts. Throws <see cref="JsonException"/> (or the other parse exceptions
    /// of <see cref="AuditCanonicalJson.Parse"/>) when a part is not what a store wrote.
    /// </summary>
    public static AuditEvent Join(
        string shapeBody, string? ownKeys, DateTimeOffset time, string? user, string? run, string? jti, string? decisionId, string? traceId, string? ownValues)
    {
        var shape = AuditCanonicalJson.Parse(shapeBody);
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in shape.Evidence)
        {
            evidence[key] = value;
        }

        var keys = ownKeys is null ? [] : JsonSerializer.Deserialize<string[]>(ownKeys) ?? [];
        var values = ownValues is null ? [] : JsonSerializer.Deserialize<string[]>(ownValues) ?? [];
        if (keys.Length != values.Length)
        {
            throw new FormatException($"The shape lists {keys.Length} evidence key(s) of the record's own but the record holds {values.Length} value(s).");
        }

        for (var i = 0; i < keys.Length; i++)
        {
            evidence[keys[i]] = values[i];
        }

        return shape with { Time = time, User = user, Run = run, Jti = jti, DecisionId = decisionId, TraceId = traceId, Evidence = evidence };
    }

    /// <summary>
    /// Evidence that differs per credential, token or user (expiries, issue times, token ids, run ids, the subject).
    /// Everything else is shared through the shape; a value wrongly classed as shared costs a shape row, never
    /// correctness.
    /// </summary>
    internal static bool IsOwn(string key) =>
        key is "exp" or "iat" or "jti" or "sub" or "run_expires"
        || key.EndsWith("_exp", StringComparison.Ordinal)
        || key.EndsWith("_jti", StringComparison.Ordinal)
        || key.EndsWith("_run", StringComparison.Ordinal);
}

/// <summary>
/// The shared part of audit events: the canonical JSON of the event without its own fields (<see cref="Body"/>),
/// the keys of the evidence each record holds itself (<see cref="OwnKeys"/>, a JSON array), the columns queries
/// filter on, and <see cref="Key"/> (SHA-256 of body and keys) that a store deduplicates on.
/// </summary>
public sealed record AuditShape(string Body, string? OwnKeys, byte[] Key, string Kind, string Outcome, string? Agent, string? Tenant)
{
    internal static AuditShape Of(AuditEvent shape, string? ownKeys)
    {
        var body = AuditCanonicalJson.Serialize(shape);
        var key = TextHash.Sha256(body, ownKeys);
        return new AuditShape(body, ownKeys, key, shape.Kind, shape.Outcome, shape.Agent, shape.Tenant);
    }
}
