using System.Diagnostics;
using System.Globalization;
using Mandate.Bench.AuditSize;
using Mandate.Core.Audit;
using Mandate.Core.Storage;

// Usage: Mandate.Bench.AuditSize sqlite RECORDS DIR | postgres RECORDS CONNECTION_STRING
// Fills a fresh store with RECORDS issuance records through AuditWriter (group commit, as the broker does) and
// prints a Markdown breakdown of where the bytes are.
if (args.Length != 3 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var records) || records < 1)
{
    Console.Error.WriteLine("usage: Mandate.Bench.AuditSize sqlite RECORDS DIR | postgres RECORDS CONNECTION_STRING");
    return 2;
}

await using var target = args[0] switch
{
    "sqlite" => (SizeTarget)new SqliteSizeTarget(args[2]),
    "postgres" => new PostgresSizeTarget(args[2]),
    _ => throw new ArgumentException($"unknown store '{args[0]}'"),
};

var store = await target.OpenAsync();
var fill = Stopwatch.StartNew();
await using (var writer = new AuditWriter(store))
{
    var traffic = new IssuanceTraffic(seed: 14);
    var pending = new List<Task>(records);
    for (var i = 0; i < records; i++)
    {
        pending.Add(writer.CommitAsync(new StoreBatch(traffic.Next()), CancellationToken.None));
    }

    await Task.WhenAll(pending);
}

fill.Stop();
var verify = await AuditVerifier.VerifyAsync((IAuditLog)store, null, CancellationToken.None);
if (!verify.IsValid || verify.RecordCount != records)
{
    Console.Error.WriteLine($"the filled store does not verify: {verify.Message}");
    return 1;
}

var sizes = await target.MeasureAsync();
Console.WriteLine(SizeReport.Render(target.Name, records, fill.Elapsed, sizes));
return 0;
