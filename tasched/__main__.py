from tasched.cli import main

main()
