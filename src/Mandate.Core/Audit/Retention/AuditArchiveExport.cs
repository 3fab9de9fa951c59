using System.Runtime.CompilerServices;
using System.Text;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Storage;

namespace Mandate.Core.Audit.Retention;

/// <summary>
/// Writes an archive to a temporary file beside its target while verifying the range it holds, flushes it to disk,
/// and only then gives it the target name: the target either does not exist or is complete and verified.
/// </summary>
internal static class AuditArchiveExport
{
    /// <summary>Null when the archive is in place at <paramref name="target"/>; otherwise why not (and no file is left).</summary>
    public static async Task<string?> WriteAsync(
        IAuditLog log,
        string target,
        AuditPruneAnchor? previous,
        AuditCheckpoint covering,
        IReadOnlyList<AuditCheckpoint> checkpoints,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var start = previous?.Tail ?? AuditTail.Genesis;
        var temporary = DurableFile.TemporaryNameFor(target);
        try
        {
            string? problem;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await using var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
                await writer.WriteLineAsync(AuditArchiveFormat.Header(start.Sequence + 1, covering.Sequence, now).AsMemory(), cancellationToken);
                if (previous is not null)
                {
                    await writer.WriteLineAsync(AuditArchiveFormat.Anchor(previous).AsMemory(), cancellationToken);
                }

                foreach (var checkpoint in checkpoints.Where(c => c.Sequence > start.Sequence && c.Sequence <= covering.Sequence).OrderBy(c => c.Sequence))
                {
                    await writer.WriteLineAsync(AuditArchiveFormat.Checkpoint(checkpoint).AsMemory(), cancellationToken);
                }

                var records = log.ReadAuditAsync(new AuditQuery { AfterSequence = start.Sequence, Limit = Limit(covering.Sequence - start.Sequence) }, cancellationToken);
                var result = await AuditVerifier.VerifyAsync(WrittenAsync(records, writer, cancellationToken), start, covering.Head, cancellationToken);
                problem = result.IsValid ? null : $"the audit chain over {AuditArchiveFormat.Describe(start.Sequence + 1, covering.Sequence)} does not verify: {result.Message}";
                await writer.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            if (problem is null)
            {
                DurableFile.Publish(temporary, target);
            }

            return problem;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write the archive {target}: {e.Message}";
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    // Sequence numbers are consecutive in a chain that verifies, so this many records after the start end at the checkpoint.
    private static int Limit(long count) => count > int.MaxValue
        ? throw new InvalidOperationException($"An archive of {count} records is larger than one run takes; archive up to an earlier checkpoint first.")
        : (int)count;

    private static async IAsyncEnumerable<AuditRecord> WrittenAsync(
        IAsyncEnumerable<AuditRecord> records, StreamWriter writer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(AuditArchiveFormat.Record(record).AsMemory(), cancellationToken);
            yield return record;
        }
    }
}
