using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Chat.EndToEnd.Tests;

/// <summary>A client that goes away mid-request is the client's doing: logged as an abort, never an error or a 500.</summary>
public sealed class ClientAbortTests
{
    [Theory]
    [InlineData("closes the connection")]
    [InlineData("resets the connection")]
    public async Task A_client_that_drops_a_request_mid_body_is_logged_as_an_abort_not_an_error_or_a_500(string how)
    {
        var logs = new LogRecorder();
        await using var server = await ChatServer.StartAsync(configure: b => logs.AddTo(b.Logging));
        var alice = await server.Client().SignUpAsync("aborter");
        await server.Client().SignUpAsync("abortee");
        var conversation = await alice.CreateConversationAsync("direct", "abortee");

        // Headers promise 4000 bytes; a few arrive, then the client is gone.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /v1/messages HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {alice.AccessToken}\r\n" +
                "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n" + $$"""{"conversation_id":"{{conversation}}","from":"aborter","payload":{"type":"text","text":"cut"""));
            await stream.FlushAsync();
            await Eventually.UntilAsync(() => logs.Entries.Any(e => e.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal) && e.Message.Contains("POST")),
                TimeSpan.FromSeconds(10), "the request to start");
            if (how == "resets the connection") tcp.Client.LingerState = new LingerOption(true, 0);
        }

        var finished = await Eventually.UntilAsync(() => Task.FromResult(logs.Entries.FirstOrDefault(e => e.Message.StartsWith("Request finished", StringComparison.Ordinal) && e.Message.Contains("/v1/messages"))),
            e => e is not null, TimeSpan.FromSeconds(10), "the request to finish");
        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error || e.Message.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 0, string.Join(" | ", errors));
        Assert.DoesNotContain(" 500 ", finished!.Message);
        // Ours ("The client aborted …") or ASP.NET Core's own ("The request was aborted by the client."), whichever saw it first.
        Assert.True(logs.Entries.Any(e => e.Message.Contains("aborted", StringComparison.OrdinalIgnoreCase) && e.Level is LogLevel.Debug or LogLevel.Information),
            finished.Message);
        Assert.Empty(await alice.HistoryAsync(conversation));
    }
}
