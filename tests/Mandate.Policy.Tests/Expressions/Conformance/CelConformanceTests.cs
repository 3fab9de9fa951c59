using Xunit.Abstractions;

namespace Mandate.Policy.Tests.Expressions.Conformance;

/// <summary>
/// Checks the policy language against the official CEL conformance data (google/cel-spec). Every case whose
/// expression the subset accepts must give the value or error CEL specifies, unless it is on the documented
/// allow-list of deliberate differences; cases the subset refuses at load are counted (refusing is safe).
/// </summary>
public sealed class CelConformanceTests
{
    private readonly ITestOutputHelper _output;

    public CelConformanceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_accepted_cel_spec_case_gives_the_specified_result_or_is_a_documented_difference()
    {
        var folder = CelSpecData.TestDataFolder();

        var cases = CelConformanceCase.LoadAll(folder);
        Assert.True(cases.Count > 1000, $"only {cases.Count} cases read from {folder}; the files did not parse as expected");

        var counts = new Dictionary<CelConformanceOutcome, int>();
        var unexpected = new List<string>();
        var allowed = new List<string>();
        var refused = new List<string>();
        foreach (var test in cases)
        {
            var (outcome, detail) = CelConformanceRunner.Run(test);
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            var isAllowed = CelConformanceAllowList.Differences.ContainsKey(test.Id);
            if (outcome == CelConformanceOutcome.Refused)
            {
                refused.Add($"{test.Id}: {test.Expression} -> {detail}");
            }

            if (outcome == CelConformanceOutcome.Diverged)
            {
                (isAllowed ? allowed : unexpected).Add($"{test.Id}: {test.Expression} -> {detail}");
            }
            else if (isAllowed)
            {
                unexpected.Add($"{test.Id}: on the allow-list but now {outcome}; remove it from {nameof(CelConformanceAllowList)}");
            }
        }

        _output.WriteLine($"cel-spec conformance ({folder}): {cases.Count} cases");
        _output.WriteLine($"  passed:             {counts.GetValueOrDefault(CelConformanceOutcome.Passed)}");
        _output.WriteLine($"  refused at load:    {counts.GetValueOrDefault(CelConformanceOutcome.Refused)}");
        _output.WriteLine($"  checked only:       {counts.GetValueOrDefault(CelConformanceOutcome.CheckedOnly)}");
        _output.WriteLine($"  diverged (allowed): {allowed.Count}");
        _output.WriteLine($"  diverged (not):     {unexpected.Count}");
        foreach (var line in allowed)
        {
            _output.WriteLine("  allowed: " + line);
        }

        // Set MANDATE_CEL_CONFORMANCE_REFUSED=1 to see why each refused case was refused (e.g. when widening the subset).
        if (Environment.GetEnvironmentVariable("MANDATE_CEL_CONFORMANCE_REFUSED") == "1")
        {
            foreach (var line in refused)
            {
                _output.WriteLine("  refused: " + line);
            }
        }

        foreach (var line in unexpected)
        {
            _output.WriteLine("  DIVERGES: " + line);
        }

        Assert.True(unexpected.Count == 0, $"{unexpected.Count} cases diverge from CEL without being on the documented allow-list:\n" + string.Join('\n', unexpected));
    }
}
