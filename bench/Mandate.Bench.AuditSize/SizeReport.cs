using System.Globalization;
using System.Text;

namespace Mandate.Bench.AuditSize;

/// <summary>The Markdown section of one store's measurement: totals, then per object, then per column.</summary>
internal static class SizeReport
{
    public static string Render(string store, int records, TimeSpan fill, StoreSizes sizes)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {store}: {records:N0} issuance records")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"**{PerRecord(sizes.TotalBytes, records)} bytes per record** on disk ({sizes.TotalBytes:N0} bytes; filled in {fill.TotalSeconds:F1} s through `AuditWriter`).")
            .AppendLine()
            .AppendLine("| object | bytes | bytes per record |")
            .AppendLine("|---|---:|---:|");
        foreach (var o in sizes.Objects)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {o.Name} | {o.Bytes:N0} | {PerRecord(o.Bytes, records)} |");
        }

        text.AppendLine()
            .AppendLine("| column (logical value bytes, before row and page overhead) | bytes per record |")
            .AppendLine("|---|---:|");
        foreach (var c in sizes.Columns.Where(c => c.Bytes > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Table}.{c.Column} | {PerRecord(c.Bytes, records)} |");
        }

        return text.ToString();
    }

    private static string PerRecord(long bytes, int records) => (bytes / (double)records).ToString("F1", CultureInfo.InvariantCulture);
}
