using Mandate.Fuzz.Running;

namespace Mandate.Fuzz.Tests;

/// <summary>
/// Invariant 7 under volume: a bounded number of structure-aware hostile inputs per parser, from a fixed
/// seed (the same inputs on every run) and from one random seed (new inputs every run; printed on
/// failure, and settable with MANDATE_FUZZ_SEED to reproduce). bench/fuzz runs the same targets for
/// a million inputs.
/// </summary>
public sealed class HostileInputFuzzTests(FuzzSuiteFixture fixture) : IClassFixture<FuzzSuiteFixture>
{
    private const int FixedSeed = 20261202;

    private static readonly int RandomSeed = int.TryParse(Environment.GetEnvironmentVariable("MANDATE_FUZZ_SEED"), out var seed)
        ? seed
        : Random.Shared.Next();

    [Theory]
    [InlineData("form", 1_000)]
    [InlineData("jwt", 600)]
    [InlineData("dpop", 500)]
    [InlineData("csr", 300)]
    [InlineData("authorization_details", 1_000)]
    [InlineData("cel", 1_000)]
    [InlineData("policy_yaml", 200)]
    [InlineData("config_yaml", 100)]
    public async Task Invariant7_HostileInput_ParserAnswersResultOrDocumentedErrorInBoundedTime(string target, int cases)
    {
        await RunBothSeedsAsync(target, cases);
    }

    [Fact]
    public async Task Invariant7_HostileRequests_BrokerNeverAnswers5xxAndRefusalsChangeNoState()
    {
        var report = await RunBothSeedsAsync("http", 150);

        // The generator must reach issuance sometimes, or "refusals change nothing" proves little.
        Assert.True(report.Accepted > 0, "no mutated request got a 2xx answer; the HTTP generator only produces garbage");
    }

    [Fact]
    public async Task Invariant7_HostileJsonBodies_EvidenceAndWorkloadApiNeverAnswer5xxAndRefusalsChangeNoState()
    {
        var report = await RunBothSeedsAsync("json_bodies", 200);

        Assert.True(report.Accepted > 0, "no mutated body was accepted; the generator never reaches past the JSON readers");
        Assert.True(report.Accepted < report.Inputs, "no mutated body was refused; the generator does not damage the bodies");
    }

    private async Task<FuzzTargetReport> RunBothSeedsAsync(string target, int cases)
    {
        FuzzTargetReport? last = null;
        foreach (var seed in new[] { FixedSeed, RandomSeed })
        {
            var report = await FuzzRunner.RunAsync(fixture.Suite[target], seed, cases);
            Assert.True(report.Clean, $"fuzz target '{target}' with run seed {seed} (rerun: MANDATE_FUZZ_SEED={seed}):\n" + string.Join("\n", report.Findings));
            Assert.Equal(cases, report.Inputs);
            last = report;
        }

        return last!;
    }
}
