using Xunit;
using Xunit.Sdk;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// A contract test: a <see cref="FactAttribute"/> that a store's test class can skip as a whole when its database is
/// not available here (see <see cref="StoreAvailabilityAttribute"/>), since the suite's methods are shared.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Mandate.Storage.ContractTests.StoreFactDiscoverer", "Mandate.Storage.ContractTests")]
public sealed class StoreFactAttribute : FactAttribute;
