"""Use cases of the app: each function is one thing a person or program does.

Views parse input, call one operation and render the result; operations take a
database session, the domain services and plain values, and hold the rules on
who may do what.
"""
