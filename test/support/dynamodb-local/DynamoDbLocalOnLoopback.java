import java.io.OutputStream;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * AWS's DynamoDB Local, started as its own command line does, but listening on 127.0.0.1 and on a port
 * the system picks: its command line binds every interface and needs a fixed port. Prints the port once
 * it accepts requests, and stops when its standard input closes, that is when the process that started it
 * ends, however it ends. Run with `java -cp DynamoDBLocal.jar DynamoDbLocalOnLoopback.java <its options>`.
 */
public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is a private field of DynamoDB Local's proxy; its connector takes the address before start.
    var field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    ServerConnector connector = (ServerConnector) ((Server) field.get(proxy)).getConnectors()[0];
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    proxy.start();
    System.out.println("DynamoDB Local listening on 127.0.0.1:" + connector.getLocalPort());
    System.in.transferTo(OutputStream.nullOutputStream());
    System.exit(0);
  }
}
