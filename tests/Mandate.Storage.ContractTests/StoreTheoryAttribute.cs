using Xunit;
using Xunit.Sdk;

namespace Mandate.Storage.ContractTests;

/// <summary>A contract theory; skipped with its class like <see cref="StoreFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Mandate.Storage.ContractTests.StoreTheoryDiscoverer", "Mandate.Storage.ContractTests")]
public sealed class StoreTheoryAttribute : TheoryAttribute;
