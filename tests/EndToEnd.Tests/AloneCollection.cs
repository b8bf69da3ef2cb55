namespace Chat.EndToEnd.Tests;

/// <summary>
/// Tests that measure recovery under load (crashes, restarts, broker outages) run after the others,
/// one at a time: sharing two cores with another test class would test the machine, not the system.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "under load, alone";
}
