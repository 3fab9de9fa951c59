using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mandate.Core.Audit;

/// <summary>
/// The one serialisation of an <see cref="AuditEvent"/> that the chain hashes: fixed property order,
/// nulls omitted, evidence keys sorted ordinally, times as UTC round-trip strings.
/// </summary>
public static class AuditCanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    // One buffer and writer per thread, reused: every request serialises its events, and a fresh stream, writer and
    // copies per event were the largest share of the exchange's allocations.
    private const int MaxRetainedBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static string Serialize(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Serialize(e, OrderedEvidence(e.Evidence));
    }

    /// <summary>As <see cref="Serialize(AuditEvent)"/>, with <paramref name="e"/>'s evidence already in ordinal key order (<see cref="OrderedEvidence"/>).</summary>
    internal static string Serialize(AuditEvent e, KeyValuePair<string, string>[] orderedEvidence)
    {
        var w = StartWriter(out var buffer);
        w.WriteStartObject();
        w.WriteString("kind", e.Kind);
        w.WriteString("time", FormatTime(e.Time));
        w.WriteString("outcome", e.Outcome);
        WriteOptional(w, "agent", e.Agent);
        WriteOptional(w, "tenant", e.Tenant);
        WriteOptional(w, "user", e.User);
        WriteOptional(w, "run", e.Run);
        WriteOptional(w, "tool", e.Tool);
        WriteOptional(w, "scope", e.Scope);
        WriteOptional(w, "jti", e.Jti);
        WriteOptional(w, "decision_id", e.DecisionId);
        WriteOptional(w, "policy_version", e.PolicyVersion);
        WriteOptional(w, "rule", e.Rule);
        WriteOptional(w, "reason", e.Reason);
        WriteOptional(w, "node", e.Node);
        WriteOptional(w, "trace_id", e.TraceId);
        if (orderedEvidence.Length > 0)
        {
            w.WriteStartObject("evidence");
            foreach (var (key, value) in orderedEvidence)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        return Finish(w, buffer);
    }

    /// <summary>
    /// A JSON array of strings, byte for byte what <see cref="JsonSerializer"/> writes for it with default options
    /// (the same writer and encoder), without the serializer's per-call lookup.
    /// </summary>
    internal static string SerializeStrings(ReadOnlySpan<string> values)
    {
        var w = StartWriter(out var buffer);
        w.WriteStartArray();
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
        return Finish(w, buffer);
    }

    /// <summary>
    /// Evidence in ordinal key order, enumerated once: a <see cref="SortedDictionary{TKey, TValue}"/> with the ordinal
    /// comparer is already in that order; anything else is sorted.
    /// </summary>
    internal static KeyValuePair<string, string>[] OrderedEvidence(IReadOnlyDictionary<string, string> evidence)
    {
        if (evidence.Count == 0)
        {
            return [];
        }

        var pairs = new KeyValuePair<string, string>[evidence.Count];
        var i = 0;
        foreach (var pair in evidence)
        {
            pairs[i++] = pair;
        }

        if (evidence is not SortedDictionary<string, string> sorted || !ReferenceEquals(sorted.Comparer, StringComparer.Ordinal))
        {
            Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        return pairs;
    }

    private static Utf8JsonWriter StartWriter(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        w.Reset(buffer);
        return w;
    }

    private static string Finish(Utf8JsonWriter w, ArrayBufferWriter<byte> buffer)
    {
        w.Flush();
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > MaxRetainedBufferBytes)
        {
            // An unusually large event: do not keep its buffer alive on this thread for good.
            (t_buffer, t_writer) = (null, null);
        }

        return text;
    }

    /// <summary>
    /// The one text form of an audit time: UTC, round-trip ("O"), fixed width, so stores that keep it as
    /// text can compare it as text and it always equals the time inside the payload.
    /// </summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public static AuditEvent Parse(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("evidence", out var ev))
        {
            foreach (var p in ev.EnumerateObject())
            {
                evidence[p.Name] = p.Value.GetString() ?? "";
            }
        }

        return new AuditEvent
        {
            Kind = Required(root, "kind"),
            Time = DateTimeOffset.Parse(Required(root, "time"), null, System.Globalization.DateTimeStyles.RoundtripKind),
            Outcome = Required(root, "outcome"),
            Agent = Optional(root, "agent"),
            Tenant = Optional(root, "tenant"),
            User = Optional(root, "user"),
            Run = Optional(root, "run"),
            Tool = Optional(root, "tool"),
            Scope = Optional(root, "scope"),
            Jti = Optional(root, "jti"),
            DecisionId = Optional(root, "decision_id"),
            PolicyVersion = Optional(root, "policy_version"),
            Rule = Optional(root, "rule"),
            Reason = Optional(root, "reason"),
            Node = Optional(root, "node"),
            TraceId = Optional(root, "trace_id"),
            Evidence = evidence,
        };
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    // A payload that hashes correctly need not be an event: a null where a string belongs is a FormatException like any other.
    private static string Required(JsonElement root, string name) =>
        root.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? v.GetString() : null;
}
