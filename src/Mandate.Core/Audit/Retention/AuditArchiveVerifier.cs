using System.Runtime.CompilerServices;
using System.Text.Json;
using Mandate.Core.Audit.Checkpoints;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Audit.Retention;

/// <summary>
/// Verifies an archive written by <see cref="AuditArchiver"/> from the file alone: the header, the anchor's and every
/// checkpoint's signature, the chain of records from the anchor (or record 1) to the covering checkpoint at the last
/// record, and, for a series of archives, that this one continues exactly where the previous one ended.
/// </summary>
public static class AuditArchiveVerifier
{
    /// <param name="path">The archive.</param>
    /// <param name="keys">Checkpoint keys by kid (a JWKS saved from the broker, or the store's).</param>
    /// <param name="issuer">The broker's <c>issuer</c> every checkpoint must be signed for; null checks no issuer.</param>
    /// <param name="previous">The end of the previous archive of the series (its covering checkpoint), if any.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public static async Task<AuditArchiveVerification> VerifyAsync(
        string path, IReadOnlyDictionary<string, JsonWebKey> keys, string? issuer, AuditTail? previous, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return AuditArchiveVerification.Refused($"no archive at {path}");
        }

        using var reader = new StreamReader(path);
        var lines = new LineReader(reader);
        if (await lines.NextAsync(cancellationToken) is not { } header
            || AuditArchiveFormat.TypeOf(header) != AuditArchiveFormat.HeaderType
            || AuditArchiveFormat.Number(header, "version") != AuditArchiveFormat.Version
            || AuditArchiveFormat.Number(header, "first") is not { } first || AuditArchiveFormat.Number(header, "last") is not { } last
            || first < 1 || last < first)
        {
            return AuditArchiveVerification.Refused($"{path} line 1: not a Mandate audit archive (version {AuditArchiveFormat.Version} header expected)");
        }

        await lines.NextAsync(cancellationToken);
        var preamble = await ReadPreambleAsync(lines, keys, issuer, cancellationToken);
        if ((lines.Malformed ? $"line {lines.Number} is not JSON" : preamble.Problem) is { } problem)
        {
            return AuditArchiveVerification.Refused($"{path} {problem}");
        }

        var start = preamble.Anchor ?? AuditTail.Genesis;
        var refusal = CheckRange(first, last, start, previous, preamble.Checkpoints);
        if (refusal is not null)
        {
            return AuditArchiveVerification.Refused($"{path}: {refusal}");
        }

        var covering = preamble.Checkpoints.First(c => c.Sequence == last);
        var records = new RecordLines(lines, preamble.Checkpoints);
        var result = await AuditVerifier.VerifyAsync(records.ReadAsync(cancellationToken), start, covering.Head, cancellationToken);
        var failure = records.Problem ?? (result.IsValid ? null : result.Message)
            ?? (result.Head.Sequence != last ? $"records continue past the covering checkpoint at record {last}" : null);
        return failure is null
            ? new AuditArchiveVerification(first, last, covering, null)
            : AuditArchiveVerification.Refused($"{path}: {failure}");
    }

    private static string? CheckRange(long first, long last, AuditTail start, AuditTail? previous, List<AuditCheckpoint> checkpoints)
    {
        if (start.Sequence != first - 1)
        {
            return first == 1
                ? $"the anchor is at record {start.Sequence} but the archive starts at record 1"
                : $"the archive starts at record {first} but has no anchor at record {first - 1} to continue from";
        }

        if (previous is { } expected && expected != start)
        {
            return $"it does not continue the previous archive: that one ends at record {expected.Sequence} ({expected.Hash}), "
                + $"this one starts after record {start.Sequence} ({start.Hash})";
        }

        if (checkpoints.FirstOrDefault(c => c.Sequence <= start.Sequence || c.Sequence > last) is { } outside)
        {
            return $"checkpoint at record {outside.Sequence} lies outside the archived {AuditArchiveFormat.Describe(first, last)}";
        }

        return checkpoints.Any(c => c.Sequence == last)
            ? null
            : $"no signed checkpoint covers the last archived record {last}";
    }

    private static async Task<Preamble> ReadPreambleAsync(LineReader lines, IReadOnlyDictionary<string, JsonWebKey> keys, string? issuer, CancellationToken cancellationToken)
    {
        var preamble = new Preamble();
        while (lines.Peek(out var line) && AuditArchiveFormat.TypeOf(line) is AuditArchiveFormat.AnchorType or AuditArchiveFormat.CheckpointType)
        {
            var anchor = AuditArchiveFormat.TypeOf(line) == AuditArchiveFormat.AnchorType;
            if (anchor && (preamble.Anchor is not null || preamble.Checkpoints.Count > 0))
            {
                return preamble with { Problem = $"line {lines.Number}: an anchor line must come once, before the checkpoints" };
            }

            var reading = await AuditCheckpoint.VerifyAsync(line.GetRawText(), keys, issuer);
            if (reading.Refusal is { } refusal)
            {
                return preamble with { Problem = $"line {lines.Number}: {refusal}" };
            }

            preamble = anchor ? preamble with { Anchor = reading.Checkpoint!.Head } : preamble;
            if (!anchor)
            {
                preamble.Checkpoints.Add(reading.Checkpoint!);
            }

            await lines.NextAsync(cancellationToken);
        }

        return preamble;
    }

    private sealed record Preamble
    {
        public AuditTail? Anchor { get; init; }
        public List<AuditCheckpoint> Checkpoints { get; } = [];
        public string? Problem { get; init; }
    }

    /// <summary>The record lines as audit records; stops at the first line that is not one and says where.</summary>
    private sealed class RecordLines(LineReader lines, List<AuditCheckpoint> checkpoints)
    {
        private readonly Dictionary<long, string> _signed = checkpoints.ToDictionary(c => c.Sequence, c => c.Hash);

        public string? Problem { get; private set; }

        public async IAsyncEnumerable<AuditRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (lines.Peek(out var line))
            {
                if (AuditArchiveFormat.TypeOf(line) != AuditArchiveFormat.RecordType || AuditArchiveFormat.ParseRecord(line) is not { } record)
                {
                    Problem = $"line {lines.Number} is not an audit record line";
                    yield break;
                }

                if (_signed.TryGetValue(record.Sequence, out var hash) && hash != record.Hash)
                {
                    Problem = $"record {record.Sequence} has hash {record.Hash} but its signed checkpoint says {hash}";
                    yield break;
                }

                yield return record;
                await lines.NextAsync(cancellationToken);
            }

            if (lines.Malformed)
            {
                Problem = $"line {lines.Number} is not JSON";
            }
        }
    }

    /// <summary>JSON lines with one line of look-ahead; a line that is not JSON ends the file as malformed.</summary>
    private sealed class LineReader(StreamReader reader)
    {
        private JsonElement? _current;

        public int Number { get; private set; }

        public bool Malformed { get; private set; }

        public bool Peek(out JsonElement line)
        {
            line = _current ?? default;
            return _current is not null;
        }

        public async Task<JsonElement?> NextAsync(CancellationToken cancellationToken)
        {
            _current = null;
            if (Malformed || await reader.ReadLineAsync(cancellationToken) is not { } text)
            {
                return null;
            }

            Number++;
            try
            {
                using var document = JsonDocument.Parse(text);
                _current = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                Malformed = true;
            }

            return _current;
        }
    }
}
