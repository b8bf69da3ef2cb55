using Chat.Host;

var app = ChatHost.Build(args);
app.Run();
