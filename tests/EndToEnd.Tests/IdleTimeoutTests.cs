using System.Net.WebSockets;

namespace Chat.EndToEnd.Tests;

public sealed class IdleServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Presence:IdleTimeout"] = "00:00:03" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class IdleTimeoutTests(IdleServerFixture fixture) : IClassFixture<IdleServerFixture>
{
    [Fact]
    public async Task A_silent_socket_is_closed_after_the_idle_timeout_while_one_that_pings_stays_open()
    {
        var user = await fixture.Server.Client().SignUpAsync("idler");
        await using var silent = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, user);
        await using var chatty = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, user);

        using var stop = new CancellationTokenSource();
        var pinging = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await chatty.SendAsync(new { type = "ping" });
                await Task.Delay(250); // the client's ping cadence, well inside the 3 s idle timeout
            }
        });
        await Eventually.UntilAsync(() => silent.State is WebSocketState.Closed or WebSocketState.CloseReceived, TimeSpan.FromSeconds(15),
            "the silent socket closed by a close handshake");
        await stop.CancelAsync();
        await pinging;

        Assert.Equal(WebSocketState.Open, chatty.State);
        await chatty.SendAsync(new { type = "ping" });
        await chatty.WaitForAsync(f => ChatSocket.Type(f) == "pong", TimeSpan.FromSeconds(10), "pong");
    }
}
