using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Shared;

/// <summary>
/// The one ActivitySource and the name of the one Meter every service reports through ("Chat").
/// Instruments come from each service provider's <see cref="IMeterFactory"/> (<see cref="CreateChatMeter"/>),
/// so several Hosts in one process keep separate series.
/// </summary>
public static class ChatTelemetry
{
    public const string Name = "Chat";

    // Static on purpose: an ActivitySource holds no state of its own (spans carry theirs), and each
    // tracer provider subscribes to it by name, so sharing it between Hosts mixes nothing.
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The "Chat" meter of this service provider (the factory hands out one per name and disposes it with the provider).</summary>
    public static Meter CreateChatMeter(this IMeterFactory factory) => factory.Create(Name);
}
