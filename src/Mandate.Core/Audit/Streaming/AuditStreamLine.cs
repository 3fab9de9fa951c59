using System.Text;
using System.Text.Json;
using Mandate.Core.Audit.Checkpoints;

namespace Mandate.Core.Audit.Streaming;

/// <summary>
/// The lines of the audit stream (schema version <see cref="Version"/>, documented in docs/audit.md): one JSON object per
/// line, told apart by <c>type</c>. A record line carries the chain fields and, as <c>event</c>, the hashed payload byte
/// for byte, so a consumer that keeps the raw text re-computes <c>hash</c> = SHA-256(sequence \n prev_hash \n event).
/// </summary>
public static class AuditStreamLine
{
    public const string RecordType = "mandate.audit.record";
    public const string CheckpointType = "mandate.audit.checkpoint";
    public const int Version = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>The line of <paramref name="record"/>, newline included.</summary>
    public static byte[] Record(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Write(w =>
        {
            w.WriteString("type", RecordType);
            w.WriteNumber("version", Version);
            w.WriteNumber("sequence", record.Sequence);
            w.WriteString("prev_hash", record.PreviousHash);
            w.WriteString("hash", record.Hash);
            if (IsOneLineObject(record.Payload))
            {
                w.WritePropertyName("event");
                w.WriteRawValue(record.Payload, skipInputValidation: true);
            }
            else
            {
                // Not what the writer stores (an edited row): kept as text so the line stays one line; its hash will not verify.
                w.WriteString("payload", record.Payload);
            }
        });
    }

    /// <summary>The line of a signed checkpoint, newline included; its fields are those of the checkpoint file's lines.</summary>
    public static byte[] Checkpoint(AuditCheckpoint checkpoint, string node)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Write(w =>
        {
            w.WriteString("type", CheckpointType);
            w.WriteNumber("version", Version);
            w.WriteNumber("sequence", checkpoint.Sequence);
            w.WriteString("hash", checkpoint.Hash);
            w.WriteString("time", AuditCanonicalJson.FormatTime(checkpoint.Time));
            w.WriteString("node", node);
            w.WriteString("jws", checkpoint.Jws);
        });
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static bool IsOneLineObject(string payload)
    {
        if (payload.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(payload));
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
