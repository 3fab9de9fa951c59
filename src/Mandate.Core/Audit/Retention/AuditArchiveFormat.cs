using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mandate.Core.Audit.Checkpoints;

namespace Mandate.Core.Audit.Retention;

/// <summary>
/// The lines of an audit archive (JSON lines, one object each, told apart by <c>type</c>): a header, the anchor the
/// archived records continue from (absent when they start at record 1), the signed checkpoints within the range (the
/// last of them at the last record), then one line per record with the exact canonical payload the chain hashes, so
/// an independent verifier recomputes every hash from the file alone (<see cref="HashRule"/>).
/// </summary>
public static class AuditArchiveFormat
{
    public const string HeaderType = "mandate-audit-archive";
    public const string AnchorType = "anchor";
    public const string CheckpointType = "checkpoint";
    public const string RecordType = "record";
    public const int Version = 1;

    // The payload stays a string (re-serialising an object could change the bytes the hash covers); its quotes are
    // escaped as \" rather than \u0022 so the line stays readable. A file, never HTML: nothing else needs escaping.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How each record's hash is computed, stated in the header so the file explains itself.</summary>
    public const string HashRule =
        "hash = lowercase hex SHA-256 of UTF-8 (sequence + \"\\n\" + previous_hash + \"\\n\" + payload); the first record's "
        + "previous_hash is the anchor's hash, or 64 zeros at record 1; checkpoint jws: ES256 compact JWS (typ "
        + AuditCheckpoint.TokenType + ") over seq and hash, keys at the broker's /audit/jwks (kid audit-checkpoint-*)";

    public static string Header(long first, long last, DateTimeOffset created) => JsonSerializer.Serialize(
        new
        {
            type = HeaderType,
            version = Version,
            first,
            last,
            created = AuditCanonicalJson.FormatTime(created),
            hash_rule = HashRule,
        },
        Readable);

    /// <summary>The prune anchor the range continues from: its checkpoint line, typed, with the archive it went to.</summary>
    public static string Anchor(AuditPruneAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        var line = Typed(AnchorType, anchor.Checkpoint);
        line["archive"] = anchor.Archive;
        return line.ToJsonString();
    }

    public static string Checkpoint(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Typed(CheckpointType, checkpoint.ToJsonLine()).ToJsonString();
    }

    public static string Record(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.Serialize(
            new
            {
                type = RecordType,
                sequence = record.Sequence,
                previous_hash = record.PreviousHash,
                hash = record.Hash,
                payload = record.Payload,
            },
            Readable);
    }

    /// <summary>A record line read back; null when the line is not one.</summary>
    public static AuditRecord? ParseRecord(JsonElement line) =>
        line.TryGetProperty("sequence", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var sequence)
        && Text(line, "previous_hash") is { } previous && Text(line, "hash") is { } hash && Text(line, "payload") is { } payload
            ? new AuditRecord(sequence, payload, previous, hash)
            : null;

    /// <summary>The line's <c>type</c>; null when it is not a JSON object with one.</summary>
    public static string? TypeOf(JsonElement line) => line.ValueKind == JsonValueKind.Object ? Text(line, "type") : null;

    public static long? Number(JsonElement line, string name) =>
        line.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    public static string? Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonObject Typed(string type, string checkpointLine)
    {
        var fields = JsonNode.Parse(checkpointLine)!.AsObject();
        var typed = new JsonObject { ["type"] = type };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            typed[name] = value;
        }

        return typed;
    }

    internal static string Describe(long first, long last) =>
        first == last ? $"record {first.ToString(CultureInfo.InvariantCulture)}" : $"records {first.ToString(CultureInfo.InvariantCulture)} to {last.ToString(CultureInfo.InvariantCulture)}";
}
