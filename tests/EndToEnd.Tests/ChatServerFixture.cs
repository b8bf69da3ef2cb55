namespace Chat.EndToEnd.Tests;

/// <summary>One running Host per test class.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
