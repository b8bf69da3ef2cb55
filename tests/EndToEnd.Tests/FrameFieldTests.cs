namespace Chat.EndToEnd.Tests;

/// <summary>Each typed field of a client frame is checked: a field of the wrong type is refused by name, never read as absent.</summary>
public sealed class FrameFieldTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    public static TheoryData<string, string> Frames => new()
    {
        { """{"type":"sync","conversation_id":42}""", "conversation_id" },
        { """{"type":"sync","conversation_id":""}""", "conversation_id" },
        { """{"type":"sync","conversation_id":null}""", "conversation_id" },
        { """{"type":"sync","after_seq":"3"}""", "after_seq" },
        { """{"type":"ack","message_id":7}""", "message_id" },
        { """{"type":"read","conversation_id":["c"],"up_to_seq":1}""", "conversation_id" },
        { """{"type":"read","conversation_id":"c","up_to_seq":"5"}""", "up_to_seq" },
        { """{"type":"typing","conversation_id":"c","state":1}""", "state" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task A_frame_field_of_the_wrong_type_gets_an_error_naming_it(string frame, string field)
    {
        var user = await fixture.Server.Client().SignUpAsync("typed" + Guid.NewGuid().ToString("N")[..8]);
        await using var socket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, user);

        await socket.SendRawAsync(frame);

        var answer = await socket.NextAsync();
        Assert.True(ChatSocket.Type(answer) == "error", $"{frame} was answered with {answer.ToJsonString()}");
        Assert.Equal("bad_frame", answer["code"]!.GetValue<string>());
        Assert.Contains($"\"{field}\"", answer["detail"]!.GetValue<string>());
    }
}
